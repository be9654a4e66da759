package io.cocoon.core.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpecParserTest {
    private static final String MIN_PROCESS = "'process': {'args': ['sh'], 'cwd': '/'}";

    /** A config.json with single quotes for readability. */
    private static Spec parse(String singleQuoted) {
        return SpecParser.parse(singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8), "config.json");
    }

    private static Spec withMembers(String members) {
        return parse("{'ociVersion': '1.2.0', " + members + "}");
    }

    private static byte[] podmanConfig() throws IOException {
        try (InputStream in = SpecParserTest.class.getResourceAsStream("podman-config.json")) {
            assertNotNull(in, "test resource podman-config.json");
            return in.readAllBytes();
        }
    }

    @Test
    void parsesAFullPodmanConfig() throws IOException {
        Spec s = SpecParser.parse(podmanConfig(), "config.json");
        assertEquals("1.1.0", s.ociVersion());
        assertEquals(new Spec.Root("rootfs", true), s.root());
        assertEquals("web1", s.hostname());
        assertEquals("example.org", s.domainname());

        Spec.Process p = s.process();
        assertTrue(p.terminal());
        assertEquals(new Spec.ConsoleSize(40, 120), p.consoleSize());
        assertEquals(new Spec.User(1000, 1000, 18, List.of(10L, 1000L), "app"), p.user());
        assertEquals(List.of("/bin/sh", "-c", "echo hello"), p.args());
        assertNull(p.commandLine());
        assertEquals(4, p.env().size());
        assertEquals("TERM=xterm", p.env().get(1));
        assertEquals("/srv", p.cwd());
        assertEquals(11, p.capabilities().bounding().size());
        assertEquals(List.of("CAP_CHOWN", "CAP_KILL"), p.capabilities().effective());
        assertEquals(List.of(), p.capabilities().inheritable());
        assertEquals(List.of(), p.capabilities().ambient(), "an absent set is empty");
        assertEquals(List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1048576, 1048576),
                new Spec.Rlimit("RLIMIT_NPROC", -1, 4194304)), p.rlimits());
        assertTrue(p.noNewPrivileges());
        assertEquals("containers-default-0.50.1", p.apparmorProfile());
        assertEquals(-500, p.oomScoreAdj());
        assertEquals("system_u:system_r:container_t:s0:c1,c2", p.selinuxLabel());

        assertEquals(8, s.mounts().size());
        assertEquals(new Spec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                s.mounts().get(1));
        assertEquals("cgroup", s.mounts().get(5).type());
        assertEquals(new Spec.Mount("/data", null, "/srv/data", List.of("rbind", "ro")), s.mounts().get(7));
        assertTrue(s.mounts().get(7).isBind());

        assertEquals(List.of(new Spec.Hook("/usr/libexec/podman/netns-hook", List.of("netns-hook", "--verbose"),
                List.of("A=1"), 10)), s.hooks().prestart());
        assertEquals(List.of(new Spec.Hook("/usr/bin/nvidia-ctk", List.of(), List.of(), null)), s.hooks().createRuntime());
        assertEquals(List.of(), s.hooks().createContainer());
        assertEquals("/usr/bin/podman", s.hooks().poststop().get(0).path());

        assertEquals(List.of("io.container.manager", "io.podman.annotations.autoremove", "io.cocoon.vm.memory",
                "org.opencontainers.image.stopSignal"), List.copyOf(s.annotations().keySet()));
        assertEquals("1G", s.annotations().get("io.cocoon.vm.memory"));

        Linux l = s.linux();
        assertEquals(List.of(new Linux.IdMapping(0, 100000, 65536)), l.uidMappings());
        assertEquals(List.of(new Linux.IdMapping(0, 100000, 65536)), l.gidMappings());
        assertEquals(Map.of("net.ipv4.ping_group_range", "0 0", "kernel.shm_rmid_forced", "1"), l.sysctl());
        assertEquals("machine.slice:libpod:abc", l.cgroupsPath());
        assertEquals(List.of("pid", "network", "ipc", "uts", "mount", "cgroup"),
                l.namespaces().stream().map(Linux.Namespace::type).toList());
        assertEquals(new Linux.Namespace("network", "/run/netns/netns-1234"), l.namespaces().get(1));
        assertNull(l.namespaces().get(0).path());
        assertEquals(List.of(new Linux.Device("c", "/dev/fuse", 10L, 229L, 0666, 0L, 0L)), l.devices());
        assertEquals("rslave", l.rootfsPropagation());
        assertEquals(List.of("/proc/acpi", "/proc/kcore", "/sys/firmware"), l.maskedPaths());
        assertEquals(List.of("/proc/bus", "/proc/sys"), l.readonlyPaths());
        assertEquals("system_u:object_r:container_file_t:s0:c1,c2", l.mountLabel());
        assertEquals(Map.of("closID", "guaranteed_group"), l.intelRdt());
        assertEquals(Map.of("domain", "LINUX"), l.personality());

        Linux.Resources r = l.resources();
        assertEquals(new Linux.Memory(536870912L, 268435456L, 1073741824L, null, null, 60L, false, null), r.memory());
        assertEquals(new Linux.Cpu(1024L, 150000L, 100000L, null, null, "0-1", "0", null), r.cpu());
        assertEquals(new Linux.Pids(2048), r.pids());
        assertEquals(List.of(new Linux.DeviceRule(false, null, null, null, "rwm"),
                new Linux.DeviceRule(true, "c", 1L, 3L, "rwm")), r.devices());
        assertEquals(List.of(Map.of("pageSize", "2MB", "limit", 0L)), r.hugepageLimits());
        assertEquals(Map.of("weight", 500L), r.blockIO());
        assertNull(r.network());
        assertEquals(Map.of("memory.high", "400M"), r.unified());

        Linux.Seccomp sc = l.seccomp();
        assertEquals("SCMP_ACT_ERRNO", sc.defaultAction());
        assertEquals(38, sc.defaultErrnoRet());
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), sc.architectures());
        assertEquals(List.of("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), sc.flags());
        assertEquals(4, sc.syscalls().size());
        assertEquals(new Linux.SyscallRule(List.of("read", "write", "exit_group"), "SCMP_ACT_ALLOW", null, List.of()),
                sc.syscalls().get(0));
        assertEquals(List.of(new Linux.SyscallArg(0, 2114060288L, 0, "SCMP_CMP_MASKED_EQ")), sc.syscalls().get(2).args());
        assertEquals(1, sc.syscalls().get(3).errnoRet());

        assertEquals(new Spec.Vm(new Spec.VmHypervisor("/usr/bin/qemu-system-x86_64", List.of("-no-user-config")),
                new Spec.VmKernel("/usr/share/cocoon/vmlinuz", List.of("console=hvc0", "quiet"), "/usr/share/cocoon/initrd.img"),
                new Spec.VmImage("/var/lib/cocoon/disk.qcow2", "qcow2")), s.vm());

        assertEquals(List.of(1L, 2L, 3L), s.raw().get("x-unknown-top-level"), "unknown fields stay in raw()");
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        Files.write(f, podmanConfig());
        assertEquals("web1", SpecParser.read(f).hostname());

        CocoonException missing = assertThrows(CocoonException.class, () -> SpecParser.read(dir.resolve("nope.json")));
        assertEquals("config.json not found: " + dir.resolve("nope.json"), missing.getMessage());

        Files.writeString(f, "{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {,}\n}");
        CocoonException bad = assertThrows(CocoonException.class, () -> SpecParser.read(f));
        assertTrue(bad.getMessage().startsWith(f + ": malformed JSON"), bad.getMessage());
        assertTrue(bad.getMessage().contains("line 3 column 15"), bad.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.2-dev", "1.0.0", "1.0.2", "1.1.0", "1.2.0", "1.2.1+dev", "1.3.0", "1.3.0-rc.1"})
    void acceptsSupportedVersions(String version) {
        assertEquals(version, parse("{'ociVersion': '" + version + "'}").ociVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0.0", "0.9", "0.9.0", "1.4.0", "1.2", "", "v1.2.0", "1.2.0 "})
    void refusesOtherVersionsNamingOciVersion(String version) {
        SpecException e = assertThrows(SpecException.class, () -> parse("{'ociVersion': '" + version + "'}"));
        assertEquals("ociVersion", e.path());
        assertTrue(e.getMessage().startsWith("ociVersion: unsupported version"), e.getMessage());
    }

    @Test
    void ociVersionIsRequiredAndAString() {
        assertEquals("ociVersion: is required", assertThrows(SpecException.class, () -> parse("{}")).getMessage());
        assertEquals("ociVersion: must be a string",
                assertThrows(SpecException.class, () -> parse("{'ociVersion': 1.2}")).getMessage());
    }

    @Test
    void processArgsOfTheWrongTypeNamesProcessArgs() {
        SpecException e = assertThrows(SpecException.class, () -> withMembers("'process': {'args': 5, 'cwd': '/'}"));
        assertTrue(e.getMessage().startsWith("process.args:"), e.getMessage());
        e = assertThrows(SpecException.class, () -> withMembers("'process': {'args': 5}"));
        assertTrue(e.getMessage().startsWith("process.args:"), e.getMessage());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "'process': 'x'|process: must be an object",
        "'process': {'args': [], 'cwd': '/'}|process.args: must be a non-empty array",
        "'process': {'args': ['sh', 3], 'cwd': '/'}|process.args[1]: must be a string",
        "'process': {'args': ['sh']}|process.cwd: is required",
        "'process': {'args': ['sh'], 'cwd': 'srv'}|process.cwd: must be an absolute path",
        "'process': {'args': ['sh'], 'cwd': '/', 'env': ['A=1', 'NOEQUALS']}|process.env[1]: must have the form KEY=value",
        "'process': {'args': ['sh'], 'cwd': '/', 'terminal': 'yes'}|process.terminal: must be true or false",
        "'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 'root', 'gid': 0}}|process.user.uid: must be an integer",
        "'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': -1, 'gid': 0}}|process.user.uid: must be between 0 and 4294967295",
        "'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 1.5, 'gid': 0}}|process.user.uid: must be an integer",
        "'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 0}}|process.user.gid: is required",
        "'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 0, 'gid': 0, 'additionalGids': [1, 'a']}}|process.user.additionalGids[1]: must be a gid (0..4294967295)",
        "'process': {'args': ['sh'], 'cwd': '/', 'user': {'uid': 0, 'gid': 0, 'umask': 512}}|process.user.umask: must be between 0 and 511",
        "'process': {'args': ['sh'], 'cwd': '/', 'capabilities': {'bounding': ['CAP_CHOWN', 5]}}|process.capabilities.bounding[1]: must be a string",
        "'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': -1, 'soft': 1}]}|process.rlimits[0].hard: must be an unsigned 64-bit integer",
        "'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1.0, 'soft': 1}]}|process.rlimits[0].hard: must be an unsigned integer",
        "'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 18446744073709551616, 'soft': 1}]}|process.rlimits[0].hard: must be an unsigned 64-bit integer",
        "'process': {'args': ['sh'], 'cwd': '/', 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1, 'soft': 1}, {'type': 'RLIMIT_NOFILE', 'hard': 2, 'soft': 2}]}|process.rlimits[1].type: duplicate rlimit RLIMIT_NOFILE",
        "'process': {'args': ['sh'], 'cwd': '/', 'oomScoreAdj': 1001}|process.oomScoreAdj: must be between -1000 and 1000",
        "'process': {'args': ['sh'], 'cwd': '/', 'consoleSize': {'height': 10}}|process.consoleSize.width: is required",
        "'root': {'readonly': true}|root.path: is required",
        "'mounts': {}|mounts: must be an array",
        "'mounts': ['/proc']|mounts[0]: must be an object",
        "'mounts': [{'type': 'proc'}]|mounts[0].destination: is required",
        "'mounts': [{'destination': '/proc'}, {'destination': 5}]|mounts[1].destination: must be a string",
        "'mounts': [{'destination': ''}]|mounts[0].destination: must not be empty",
        "'mounts': [{'destination': '/x', 'options': 'ro'}]|mounts[0].options: must be an array of strings",
        "'hooks': {'prestart': [{'path': 7}]}|hooks.prestart[0].path: must be a string",
        "'hooks': {'prestart': [{'path': 'hook'}]}|hooks.prestart[0].path: must be an absolute path",
        "'hooks': {'poststop': [{'path': '/h', 'timeout': 0}]}|hooks.poststop[0].timeout: must be between 1 and 2147483647",
        "'hooks': {'createRuntime': [{'path': '/h', 'env': [1]}]}|hooks.createRuntime[0].env[0]: must be a string",
        "'annotations': {'a': 'b', 'x': 5}|annotations.x: must be a string",
        "'hostname': 5|hostname: must be a string",
        "'linux': {'resources': {'memory': {'limit': '1G'}}}|linux.resources.memory.limit: must be an integer",
        "'linux': {'resources': {'memory': {'limit': -2}}}|linux.resources.memory.limit: must be between -1 and 9223372036854775807",
        "'linux': {'resources': {'memory': {'limit': 9223372036854775808}}}|linux.resources.memory.limit: is out of range",
        "'linux': {'resources': {'cpu': {'shares': -1}}}|linux.resources.cpu.shares: must be an unsigned 64-bit integer",
        "'linux': {'resources': {'pids': {}}}|linux.resources.pids.limit: is required",
        "'linux': {'resources': {'devices': [{'access': 'rwm'}]}}|linux.resources.devices[0].allow: is required",
        "'linux': {'namespaces': [{'type': 'bogus'}]}|linux.namespaces[0].type: unknown namespace type \"bogus\"",
        "'linux': {'namespaces': [{'type': 'pid'}, {'type': 'pid'}]}|linux.namespaces[1].type: duplicate namespace \"pid\"",
        "'linux': {'devices': [{'type': 'c', 'path': '/dev/x'}]}|linux.devices[0].major: major and minor are required for device type c",
        "'linux': {'sysctl': {'net.ipv4.ip_forward': 1}}|linux.sysctl.net.ipv4.ip_forward: must be a string",
        "'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1}]}|linux.uidMappings[0].size: is required",
        "'linux': {'seccomp': {'syscalls': []}}|linux.seccomp.defaultAction: is required",
        "'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], 'action': 'SCMP_ACT_ERRNO'}]}}|linux.seccomp.syscalls[0].names: must be a non-empty array",
        "'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}}|linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5",
        "'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 4096}]}}|linux.seccomp.syscalls[0].errnoRet: must be between 0 and 4095",
        "'linux': {'maskedPaths': '/proc'}|linux.maskedPaths: must be an array of strings",
        "'linux': {'intelRdt': []}|linux.intelRdt: must be an object",
        "'vm': {'image': {'path': '/disk.img'}}|vm.image.format: is required",
        "'vm': {'kernel': {'parameters': []}}|vm.kernel.path: is required",
        "'vm': {'hypervisor': {'path': '/q', 'parameters': '-m 1'}}|vm.hypervisor.parameters: must be an array of strings",
    })
    void wrongTypesAndValuesNameTheirPath(String members, String expected) {
        SpecException e = assertThrows(SpecException.class, () -> withMembers(members));
        assertEquals(expected, e.getMessage());
        assertEquals(expected.substring(0, expected.indexOf(": ")), e.path());
    }

    @Test
    void unknownFieldsAreIgnoredEverywhere() {
        Spec s = withMembers("""
                'x-top': {'deep': [1]}, 'root': {'path': 'r', 'x-root': 1},
                'process': {'args': ['sh'], 'cwd': '/', 'x-proc': 'y', 'user': {'uid': 1, 'gid': 2, 'x-user': null}},
                'mounts': [{'destination': '/m', 'x-mount': true}],
                'hooks': {'x-point': [{'bogus': 1}], 'prestart': [{'path': '/h', 'x-hook': 1}]},
                'linux': {'x-linux': {}, 'resources': {'x-res': 1, 'memory': {'x-mem': 'q'}},
                          'namespaces': [{'type': 'pid', 'x-ns': 2}]},
                'vm': {'x-vm': 1, 'kernel': {'path': '/k', 'x-kernel': 1}},
                'solaris': {'milestone': 'x'}, 'windows': {'layerFolders': []}""");
        assertEquals(new Spec.User(1, 2, null, List.of(), null), s.process().user());
        assertEquals(new Spec.Mount("/m", null, null, List.of()), s.mounts().get(0));
        assertEquals("/h", s.hooks().prestart().get(0).path());
        assertEquals(new Linux.Memory(null, null, null, null, null, null, null, null), s.linux().resources().memory());
        assertEquals("/k", s.vm().kernel().path());
        assertTrue(s.raw().containsKey("x-top"));
    }

    @Test
    void absentSectionsAreNullOrEmpty() {
        Spec s = withMembers("'hostname': null, 'mounts': null");
        assertNull(s.process());
        assertNull(s.root());
        assertNull(s.linux());
        assertNull(s.vm());
        assertNull(s.hostname());
        assertEquals(List.of(), s.mounts());
        assertEquals(Spec.Hooks.NONE, s.hooks());
        assertEquals(Map.of(), s.annotations());
        Spec p = withMembers(MIN_PROCESS);
        assertEquals(new Spec.User(0, 0, null, List.of(), null), p.process().user(), "no user means root");
        assertEquals(Spec.Capabilities.NONE, p.process().capabilities());
        Spec l = withMembers("'linux': {}");
        assertNull(l.linux().resources());
        assertNull(l.linux().seccomp());
        assertEquals(List.of(), l.linux().namespaces());
    }

    @Test
    void commandLineAloneSatisfiesTheParser() {
        Spec s = withMembers("'process': {'commandLine': 'cmd.exe /c dir', 'cwd': '/'}");
        assertEquals("cmd.exe /c dir", s.process().commandLine());
        assertEquals(List.of(), s.process().args());
    }

    @Test
    void unlimitedRlimitBecomesMinusOne() {
        Spec s = withMembers("'process': {'args': ['sh'], 'cwd': '/', 'rlimits': ["
                + "{'type': 'RLIMIT_CORE', 'hard': 18446744073709551615, 'soft': 18446744073709551615},"
                + "{'type': 'RLIMIT_NOFILE', 'hard': 9223372036854775808, 'soft': 0}]}");
        assertEquals(new Spec.Rlimit("RLIMIT_CORE", -1, -1), s.process().rlimits().get(0));
        assertEquals(Long.MIN_VALUE, s.process().rlimits().get(1).hard(), "2^63 kept as its unsigned bit pattern");
    }

    @Test
    void seccompValuesAreUnsigned64Bit() {
        Spec s = withMembers("'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'],"
                + " 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 5, 'value': 18446744073709551615,"
                + " 'valueTwo': 4294967296, 'op': 'SCMP_CMP_MASKED_EQ'}]}]}}");
        assertEquals(new Linux.SyscallArg(5, -1L, 1L << 32, "SCMP_CMP_MASKED_EQ"),
                s.linux().seccomp().syscalls().get(0).args().get(0));
    }

    @Test
    void malformedJsonIsOneLineWithLineAndColumn() {
        CocoonException e = assertThrows(CocoonException.class,
                () -> SpecParser.parse("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": [}\n}".getBytes(StandardCharsets.UTF_8), "cfg.json"));
        assertFalse(e instanceof SpecException);
        assertTrue(e.getMessage().startsWith("cfg.json: malformed JSON"), e.getMessage());
        assertTrue(e.getMessage().matches(".*line 3 column \\d+.*"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());

        e = assertThrows(CocoonException.class, () -> SpecParser.parse("{\"ociVersion\": \"1.2.0\"".getBytes(StandardCharsets.UTF_8), "c"));
        assertTrue(e.getMessage().startsWith("c: malformed JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void emptyAndNonObjectDocumentsAreRefused() {
        CocoonException e = assertThrows(CocoonException.class, () -> SpecParser.parse(new byte[0], "c.json"));
        assertEquals("c.json: empty document", e.getMessage());
        SpecException s = assertThrows(SpecException.class, () -> SpecParser.parse("[1]".getBytes(StandardCharsets.UTF_8), "c"));
        assertEquals("(document): must be a JSON object", s.getMessage());
    }

    @Test
    void duplicateKeysAndTrailingTokensAreRefused() {
        CocoonException dup = assertThrows(CocoonException.class,
                () -> parse("{'ociVersion': '1.2.0', 'hostname': 'a', 'hostname': 'b'}"));
        assertTrue(dup.getMessage().startsWith("config.json: malformed JSON"), dup.getMessage());
        assertTrue(dup.getMessage().contains("hostname"), dup.getMessage());
        assertFalse(dup.getMessage().contains("\n"), dup.getMessage());

        CocoonException nested = assertThrows(CocoonException.class,
                () -> parse("{'ociVersion': '1.2.0', 'process': {'cwd': '/', 'cwd': '/x', 'args': ['a']}}"));
        assertTrue(nested.getMessage().contains("cwd"), nested.getMessage());

        CocoonException trailing = assertThrows(CocoonException.class, () -> parse("{'ociVersion': '1.2.0'} {}"));
        assertTrue(trailing.getMessage().startsWith("config.json: malformed JSON"), trailing.getMessage());
    }

    @Test
    void execProcessDocumentsHaveRootRelativePaths() {
        Spec.Process p = SpecParser.process(SpecParser.tree(
                "{\"args\": [\"ls\"], \"cwd\": \"/tmp\", \"env\": [\"A=b\"]}".getBytes(StandardCharsets.UTF_8), "process.json"), "");
        assertEquals(List.of("ls"), p.args());
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.process(SpecParser.tree(
                "{\"args\": [\"ls\"], \"cwd\": \"tmp\"}".getBytes(StandardCharsets.UTF_8), "p"), ""));
        assertEquals("cwd: must be an absolute path", e.getMessage());
        e = assertThrows(SpecException.class, () -> SpecParser.process(SpecParser.tree("[]".getBytes(StandardCharsets.UTF_8), "p"), ""));
        assertEquals("(document): must be a JSON object", e.getMessage());
    }

    @Test
    void updateResourcesDocumentsParseOnTheirOwn() {
        Linux.Resources r = SpecParser.resources(SpecParser.tree(
                "{\"memory\": {\"limit\": 1048576}, \"pids\": {\"limit\": -1}}".getBytes(StandardCharsets.UTF_8), "r"), "");
        assertEquals(1048576L, r.memory().limit());
        assertEquals(-1, r.pids().limit());
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.resources(SpecParser.tree(
                "{\"cpu\": {\"quota\": \"x\"}}".getBytes(StandardCharsets.UTF_8), "r"), ""));
        assertEquals("cpu.quota: must be an integer", e.getMessage());
    }

    @Test
    void rawKeepsBigIntegersAndNesting() {
        Spec s = withMembers("'x': {'big': 18446744073709551615, 'f': 1.5, 'l': [true, null, 's']}");
        Map<?, ?> x = assertInstanceOf(Map.class, s.raw().get("x"));
        assertEquals(new java.math.BigInteger("18446744073709551615"), x.get("big"));
        assertEquals(1.5, x.get("f"));
        assertEquals(java.util.Arrays.asList(true, null, "s"), x.get("l"));
    }

    @Test
    void aNulInAStringIsAnErrorNamingTheField() {
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(
                "{\"ociVersion\": \"1.2.0\", \"process\": {\"args\": [\"sh\", \"a\\u0000b\"], \"cwd\": \"/\"}}"
                        .getBytes(StandardCharsets.UTF_8), "config.json"));
        assertEquals("process.args[1]: must not contain a NUL character", e.getMessage());
        e = assertThrows(SpecException.class, () -> SpecParser.parse(
                "{\"ociVersion\": \"1.2.0\", \"linux\": {\"sysctl\": {\"k\\u0000\": \"1\"}}}"
                        .getBytes(StandardCharsets.UTF_8), "config.json"));
        assertEquals("linux.sysctl: must not contain a NUL character", e.getMessage());
    }
}
