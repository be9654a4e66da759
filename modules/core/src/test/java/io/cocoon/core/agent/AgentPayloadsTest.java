package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.core.spec.SeccompHandler;
import io.cocoon.spi.GuestMount;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CreateRequestTest {
    private static final GuestMount ROOT = new GuestMount("9p", "rootfs", "/", List.of("trans=virtio", "version=9p2000.L"),
            false, false, false);

    private static Spec.Process process(List<String> env, Spec.Capabilities caps, List<Spec.Rlimit> rlimits, boolean terminal) {
        return new Spec.Process(terminal, new Spec.ConsoleSize(24, 80), new Spec.User(1000, 100, null, List.of(10L, 20L), null),
                List.of("/bin/sh", "-c", "echo hi"), null, env, "/work", caps, rlimits, true, null, -17, null);
    }

    private static Spec.Process simple() {
        return process(List.of("PATH=/bin"), Spec.Capabilities.NONE, List.of(), false);
    }

    private static SandboxPlan plan() {
        return new SandboxPlan("c1", Path.of("/b"), n -> Optional.empty());
    }

    private static Tlv.Fields create(SandboxPlan plan, StoragePlan storage, Spec.Process p, boolean stdin) {
        return Tlv.Fields.parse(AgentPayloads.create(plan, storage, p, stdin).toBytes());
    }

    @Test
    void namespaceFlagsAlwaysIncludeMount() {
        SandboxPlan p = plan();
        assertEquals(Proto.CLONE_NEWNS, AgentPayloads.namespaceFlags(p));
        p.namespaces().addAll(List.of("pid", "uts", "ipc", "cgroup"));
        assertEquals(Proto.CLONE_NEWNS | Proto.CLONE_NEWPID | Proto.CLONE_NEWUTS | Proto.CLONE_NEWIPC | Proto.CLONE_NEWCGROUP,
                AgentPayloads.namespaceFlags(p));
        p.namespaces().add("mount");
        assertEquals(0x00020000 | 0x20000000 | 0x04000000 | 0x08000000 | 0x02000000, AgentPayloads.namespaceFlags(p));
    }

    @Test
    void createCarriesThePlan() {
        SandboxPlan p = plan();
        p.namespaces().add("pid");
        p.hostname("web1");
        p.sysctl().put("net.ipv4.ip_forward", "1");
        p.maskedPaths().addAll(List.of("/proc/kcore", "/sys/firmware"));
        p.readonlyPaths().add("/proc/sys");
        p.rootReadonly(true);
        p.rootfsPropagation("rslave");
        p.resources(new Linux.Resources(new Linux.Memory(268435456L, null, null, null, null, null, null, null), null,
                new Linux.Pids(100), List.of(), null, List.of(), null, Map.of()));
        GuestMount share = new GuestMount("9p", "share0", "/run/cocoon/shares/0", List.of("trans=virtio"), true, true, false);
        GuestMount bind = new GuestMount("none", "/run/cocoon/shares/0/data", "/data", List.of("rbind", "ro", "rprivate"),
                false, true, false);
        Tlv.Fields f = create(p, new StoragePlan(ROOT, List.of(share, bind), List.of()), simple(), true);

        assertEquals(Optional.of((long) (Proto.CLONE_NEWNS | Proto.CLONE_NEWPID)), f.u32(Proto.T_NAMESPACES));
        assertEquals(Optional.of("web1"), f.str(Proto.T_HOSTNAME));
        assertFalse(f.has(Proto.T_DOMAINNAME), "empty domainname is not sent");
        assertEquals(List.of("net.ipv4.ip_forward=1"), f.strs(Proto.T_SYSCTL));
        assertEquals(List.of("/proc/kcore", "/sys/firmware"), f.strs(Proto.T_MASKED_PATH));
        assertEquals(List.of("/proc/sys"), f.strs(Proto.T_READONLY_PATH));
        assertTrue(f.has(Proto.T_ROOT_READONLY));
        assertEquals(Optional.of(MountOptions.MS_SLAVE | MountOptions.MS_REC), f.u64(Proto.T_PROPAGATION));
        assertEquals(Optional.of(268435456L), f.u64(Proto.T_CGROUP_MEMORY_MAX));
        assertEquals(Optional.of(100L), f.u64(Proto.T_CGROUP_PIDS_MAX));

        Tlv.Fields root = f.nested(Proto.T_ROOTFS).get(0);
        assertEquals(Optional.of("9p"), root.str(Proto.M_TYPE));
        assertEquals(Optional.of("trans=virtio,version=9p2000.L"), root.str(Proto.M_DATA));
        assertEquals(Optional.of(0L), root.u64(Proto.M_FLAGS));

        List<Tlv.Fields> mounts = f.nested(Proto.T_MOUNT);
        assertEquals(2, mounts.size());
        assertTrue(mounts.get(0).has(Proto.M_STAGING));
        assertTrue(mounts.get(0).has(Proto.M_MKDIR));
        assertFalse(mounts.get(0).has(Proto.M_PROPAGATION));
        Tlv.Fields b = mounts.get(1);
        assertEquals(Optional.of("bind"), b.str(Proto.M_TYPE), "a bind flag makes the type bind");
        assertEquals(Optional.of("/run/cocoon/shares/0/data"), b.str(Proto.M_SOURCE));
        assertEquals(Optional.of("/data"), b.str(Proto.M_DEST));
        assertEquals(Optional.of(MountOptions.MS_BIND | MountOptions.MS_REC | MountOptions.MS_RDONLY), b.u64(Proto.M_FLAGS));
        assertEquals(Optional.of(MountOptions.MS_PRIVATE | MountOptions.MS_REC), b.u64(Proto.M_PROPAGATION));
        assertEquals(Optional.of(""), b.str(Proto.M_DATA));
        assertFalse(b.has(Proto.M_STAGING));

        Tlv.Fields proc = f.nested(Proto.T_PROCESS).get(0);
        assertTrue(proc.has(Proto.P_STDIN));
        assertFalse(proc.has(Proto.P_SECCOMP_BPF));
    }

    @Test
    void sharesAreMountedOverTheHypervisorsTransport() {
        GuestMount share = new GuestMount("9p", "cocoon", "/run/cocoon/share", List.of("trans=virtio", "version=9p2000.L", "msize=512000"), true, true, false);
        GuestMount root = new GuestMount("bind", "/run/cocoon/share/rootfs", "/", List.of("rbind"), false, false, false);
        StoragePlan sp = new StoragePlan(root, List.of(), List.of(), List.of(share), List.of());
        assertEquals(sp, AgentPayloads.withShareTransport(sp, "virtio"), "QEMU's plan is unchanged");
        StoragePlan xen = AgentPayloads.withShareTransport(sp, "xen");
        assertEquals(List.of("trans=xen", "version=9p2000.L", "msize=512000"), xen.shares().get(0).options());
        assertEquals(root, xen.rootfs());
    }

    @Test
    void copiedFilesAreSentAsFilesAndSurviveTheTransportRewrite() {
        byte[] hosts = "127.0.0.1 localhost\n\u00ff".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        StoragePlan sp = new StoragePlan(ROOT, List.of(), List.of(), List.of(), List.of(),
                List.of(new io.cocoon.spi.GuestFile("/etc/hosts", 0644, hosts)));
        StoragePlan xen = AgentPayloads.withShareTransport(sp, "xen");
        assertEquals(sp.files(), xen.files());
        List<Tlv.Fields> files = create(plan(), xen, simple(), false).nested(Proto.T_FILE);
        assertEquals(1, files.size());
        assertEquals(Optional.of("/etc/hosts"), files.get(0).str(Proto.F_PATH));
        assertEquals(Optional.of(0644L), files.get(0).u32(Proto.F_MODE));
        assertArrayEquals(hosts, files.get(0).first(Proto.F_DATA).orElseThrow(), "bytes, not a re-encoded string");
    }

    @Test
    void aUserNamespaceSendsItsFlagAndMaps() {
        SandboxPlan p = plan();
        p.namespaces().add("user");
        p.extensions().put(io.cocoon.core.spec.NamespacesHandler.ID_MAPS, new io.cocoon.core.spec.NamespacesHandler.IdMaps("0 1000 2000\n", "0 1000 1\n"));
        assertEquals(Proto.CLONE_NEWNS | Proto.CLONE_NEWUSER, AgentPayloads.namespaceFlags(p));
        Tlv.Fields f = create(p, new StoragePlan(ROOT, List.of(), List.of()), simple(), false);
        assertEquals(Optional.of("0 1000 2000\n"), f.str(Proto.T_UID_MAP));
        assertEquals(Optional.of("0 1000 1\n"), f.str(Proto.T_GID_MAP));
    }

    @Test
    void unlimitedResourcesAreNotSent() {
        SandboxPlan p = plan();
        p.resources(new Linux.Resources(new Linux.Memory(-1L, null, null, null, null, null, null, null), null,
                new Linux.Pids(-1), List.of(), null, List.of(), null, Map.of()));
        Tlv.Fields f = create(p, new StoragePlan(ROOT, List.of(), List.of()), simple(), false);
        assertFalse(f.has(Proto.T_CGROUP_MEMORY_MAX));
        assertFalse(f.has(Proto.T_CGROUP_PIDS_MAX));
        assertFalse(f.has(Proto.T_HOSTNAME));
        assertFalse(f.has(Proto.T_ROOT_READONLY));
        assertEquals(Optional.of(MountOptions.MS_PRIVATE | MountOptions.MS_REC), f.u64(Proto.T_PROPAGATION));
        assertFalse(f.nested(Proto.T_PROCESS).get(0).has(Proto.P_STDIN));
    }

    @Test
    void processEncodesUserCapabilitiesAndRlimits() {
        Spec.Capabilities caps = new Spec.Capabilities(List.of("CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_UNKNOWN"),
                List.of("CAP_CHOWN"), List.of(), List.of("CAP_NET_BIND_SERVICE", "CAP_KILL"), List.of("CAP_AUDIT_READ"));
        List<Spec.Rlimit> rl = List.of(new Spec.Rlimit("RLIMIT_NOFILE", 4096, 1024), new Spec.Rlimit("RLIMIT_CORE", -1, -1));
        Spec.Process sp = process(List.of("PATH=/bin", "TERM=xterm"), caps, rl, true);
        Tlv.Fields f = Tlv.Fields.parse(AgentPayloads.process(sp, null, false).toBytes());
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), f.strs(Proto.P_ARG));
        assertEquals(List.of("PATH=/bin", "TERM=xterm"), f.strs(Proto.P_ENV));
        assertEquals(Optional.of("/work"), f.str(Proto.P_CWD));
        assertEquals(Optional.of(1000L), f.u32(Proto.P_UID));
        assertEquals(Optional.of(100L), f.u32(Proto.P_GID));
        assertEquals(List.of(10, 20), f.every(Proto.P_AGID).stream().map(b -> java.nio.ByteBuffer.wrap(b).getInt()).toList());
        assertEquals(Optional.of(022L), f.u32(Proto.P_UMASK), "default umask 0022");
        assertEquals(Optional.of(1L | (1L << 21)), f.u64(Proto.P_CAP_BOUNDING));
        assertEquals(Optional.of(1L), f.u64(Proto.P_CAP_EFFECTIVE));
        assertEquals(Optional.of(0L), f.u64(Proto.P_CAP_INHERITABLE));
        assertEquals(Optional.of((1L << 10) | (1L << 5)), f.u64(Proto.P_CAP_PERMITTED));
        assertEquals(Optional.of(1L << 37), f.u64(Proto.P_CAP_AMBIENT));
        assertTrue(f.has(Proto.P_NO_NEW_PRIVS));
        assertEquals(Optional.of(0xFFFFFFEFL), f.u32(Proto.P_OOM_SCORE_ADJ), "-17 as an i32");
        assertTrue(f.has(Proto.P_TERMINAL));
        assertEquals(Optional.of(24L), f.u32(Proto.P_ROWS));
        assertEquals(Optional.of(80L), f.u32(Proto.P_COLS));
        assertFalse(f.has(Proto.P_USER_NAME));

        List<Tlv.Fields> limits = f.nested(Proto.P_RLIMIT);
        assertEquals(2, limits.size());
        assertEquals(Optional.of(7L), limits.get(0).u32(Proto.RL_TYPE));
        assertEquals(Optional.of(1024L), limits.get(0).u64(Proto.RL_SOFT));
        assertEquals(Optional.of(4096L), limits.get(0).u64(Proto.RL_HARD));
        assertEquals(Optional.of(4L), limits.get(1).u32(Proto.RL_TYPE));
        assertEquals(Optional.of(-1L), limits.get(1).u64(Proto.RL_HARD), "RLIM_INFINITY is all ones");
    }

    @Test
    void seccompUmaskAndUserNameAreSentWhenPresent() {
        Spec.Process sp = new Spec.Process(false, null, new Spec.User(0, 0, 077, List.of(), "nobody"), List.of("true"), null,
                List.of(), "/", Spec.Capabilities.NONE, List.of(), false, null, null, null);
        SeccompCompiler.Program prog = SeccompCompiler.compile(new Linux.Seccomp("SCMP_ACT_ALLOW", null, List.of(),
                List.of("SECCOMP_FILTER_FLAG_TSYNC"), null, null, List.of()));
        SandboxPlan p = plan();
        p.extensions().put(SeccompHandler.PROGRAM, prog);
        Tlv.Fields f = create(p, new StoragePlan(ROOT, List.of(), List.of()), sp, false).nested(Proto.T_PROCESS).get(0);
        assertArrayEquals(prog.filter(), f.first(Proto.P_SECCOMP_BPF).orElseThrow());
        assertEquals(Optional.of(1L), f.u32(Proto.P_SECCOMP_FLAGS));
        assertEquals(Optional.of(077L), f.u32(Proto.P_UMASK));
        assertEquals(Optional.of("nobody"), f.str(Proto.P_USER_NAME));
        assertFalse(f.has(Proto.P_NO_NEW_PRIVS));
        assertFalse(f.has(Proto.P_OOM_SCORE_ADJ));
        assertFalse(f.has(Proto.P_ROWS), "no size without a terminal");
        assertEquals(List.of(), f.every(Proto.P_AGID));
    }

    @Test
    void withHomeAddsHomeOnlyWhenMissing() {
        assertEquals(List.of("PATH=/bin", "HOME=/root"), AgentPayloads.withHome(List.of("PATH=/bin"), "/root"));
        List<String> has = List.of("HOME=/home/app", "PATH=/bin");
        assertEquals(has, AgentPayloads.withHome(has, "/root"));
        assertEquals(List.of("HOMEDIR=/x", "HOME=/"), AgentPayloads.withHome(List.of("HOMEDIR=/x"), "/"));
        assertEquals(List.of("HOME=/"), AgentPayloads.withHome(List.of(), "/"));
    }
}
