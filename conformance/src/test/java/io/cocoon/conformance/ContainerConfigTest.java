package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** config.json settings applied inside the VM, checked from inside the container. */
@Timeout(180)
class ContainerConfigTest extends VmTest {

    @Test
    void envCwdUserAndRlimits() throws Exception {
        Bundle b = bundle("sh", "-c", "id -u; id -g; id -G; pwd; echo $FOO; echo $HOME; ulimit -n; umask");
        b.edit(c -> {
            Map<String, Object> p = Bundle.obj(c, "process");
            p.put("user", Map.of("uid", 1000L, "gid", 1000L, "additionalGids", List.of(10L, 20L), "umask", 23L));
            p.put("cwd", "/home/user");
            p.put("env", List.of("PATH=/bin", "FOO=bar baz"));
            p.put("rlimits", List.of(Map.of("type", "RLIMIT_NOFILE", "hard", 777L, "soft", 777L)));
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "u1");
        assertEquals(0, r.rc(), r::toString);
        String[] l = r.out().split("\n");
        assertEquals("1000", l[0]);
        assertEquals("1000", l[1]);
        assertTrue(l[2].contains("10") && l[2].contains("20"), r.out());
        assertEquals("/home/user", l[3]);
        assertEquals("bar baz", l[4]);
        assertEquals("/home/user", l[5], "HOME from the container's /etc/passwd, as runc");
        assertEquals("777", l[6]);
        assertEquals("0027", l[7]);
    }

    /**
     * linux.uidMappings/gidMappings: the container runs in a user namespace with the spec's maps
     * (in the guest) and exec joins it, under runc (the reference) and Cocoon alike.
     */
    @Test
    void userNamespaceWithTheSpecsIdMaps() throws Exception {
        Bundle b = bundle("sleep", "1000");
        b.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            @SuppressWarnings("unchecked")
            List<Object> ns = new java.util.ArrayList<>((List<Object>) linux.get("namespaces"));
            ns.add(Map.of("type", "user"));
            linux.put("namespaces", ns);
            linux.put("uidMappings", List.of(Map.of("containerID", 0L, "hostID", 1000L, "size", 2000L)));
            linux.put("gidMappings", List.of(Map.of("containerID", 0L, "hostID", 1000L, "size", 2000L)));
            linux.put("devices", List.of(Map.of("path", "/dev/kmsg", "type", "c", "major", 1L, "minor", 11L, "fileMode", 0644L)));
        });
        java.util.List<Cocoon> runtimes = new java.util.ArrayList<>(List.of(cocoon));
        if (Files.isExecutable(Path.of("/usr/bin/runc"))) runtimes.add(runcReference());
        for (Cocoon rt : runtimes) {
            String who = rt == cocoon ? "cocoon" : "runc";
            assertEquals(0, rt.run("create", "--bundle", b.dir().toString(), "un1").rc(), who);
            try {
                assertEquals(0, rt.run("start", "un1").rc(), who);
                Cocoon.Result e = rt.run("exec", "un1", "sh", "-c", "cat /proc/self/uid_map; id -u; touch /dev/shm/by-exec && ls -n /dev/shm/by-exec");
                assertEquals(0, e.rc(), who + ": " + e);
                String[] l = e.out().trim().split("\n");
                assertEquals("0 1000 2000", l[0].trim().replaceAll("\\s+", " "), who + ": exec joins the user namespace");
                assertEquals("0", l[1], who);
                assertTrue(l[2].contains(" 0 "), who + ": a file the exec made is owned by the namespace's root: " + l[2]);
            } finally {
                rt.run("delete", "--force", "un1");
            }
        }
    }

    /** A namespace path of another kind (type cgroup, an IPC namespace) is refused before anything starts, as runc refuses it. */
    @Test
    void aNamespacePathOfAnotherKindIsRefusedAsRuncDoes() throws Exception {
        Bundle b = bundle("true");
        b.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            @SuppressWarnings("unchecked")
            List<Object> ns = new java.util.ArrayList<>((List<Object>) linux.get("namespaces"));
            ns.removeIf(n -> "cgroup".equals(((Map<?, ?>) n).get("type")));
            ns.add(Map.of("type", "cgroup", "path", "/proc/self/ns/ipc"));
            linux.put("namespaces", ns);
        });
        Cocoon.Result r = cocoon.run("create", "--bundle", b.dir().toString(), "nk1");
        assertEquals(1, r.rc(), r::toString);
        assertTrue(r.err().strip().endsWith("/proc/self/ns/ipc is a namespace of kind ipc, not cgroup (type cgroup)"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertEquals(1, cocoon.run("state", "nk1").rc(), "nothing half-created");
        if (Files.isExecutable(Path.of("/usr/bin/runc"))) {
            Cocoon.Result ref = runcReference().run("create", "--bundle", b.dir().toString(), "nk1");
            assertNotEquals(0, ref.rc(), "runc refuses it too: " + ref);
        }
    }

    /**
     * The state's pid (the monitor) runs in new mount, UTS, IPC and network namespaces; its pid
     * and cgroup namespaces are the host's, as docs/security.md explains (the engine reaps it;
     * it moves itself into the host cgroup), and the container's own are in the guest.
     */
    @Test
    void theStatesPidRunsInNamespacesOfItsOwn() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "ns1").rc());
        try {
            long pid = ((Number) state("ns1").get("pid")).longValue();
            for (String ns : List.of("mnt", "uts", "ipc", "net")) {
                assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)), Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + ns)), ns);
            }
            assertEquals(0, cocoon.run("start", "ns1").rc());
            Cocoon.Result r = cocoon.run("exec", "ns1", "cat", "/proc/1/comm");
            assertEquals("sleep\n", r.out(), "the container's PID 1 is its init, in its own pid namespace in the guest: " + r);
        } finally {
            cocoon.run("delete", "--force", "ns1");
        }
    }

    /** runc as the reference; the bundle's directories must be searchable by the mapped root (host uid 1000). */
    private Cocoon runcReference() throws java.io.IOException {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return new Cocoon(List.of("/usr/bin/runc"), tmp.resolve("runc-root"));
    }

    /**
     * The init's own view in a user namespace: its maps, its id, the rootfs's unmapped owner and
     * a linux.devices node it may not mknod there (bound from the guest, as runc binds the
     * host's): what runc prints on the same bundle.
     */
    @Test
    void userNamespaceInitSeesItsMapsTheFileOwnersAndTheBoundDevice() throws Exception {
        Bundle b = bundle("sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c '%A %u %g' /bin/busybox; stat -c '%A %u %g %t:%T' /dev/kmsg");
        b.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            @SuppressWarnings("unchecked")
            List<Object> ns = new java.util.ArrayList<>((List<Object>) linux.get("namespaces"));
            ns.add(Map.of("type", "user"));
            linux.put("namespaces", ns);
            linux.put("uidMappings", List.of(Map.of("containerID", 0L, "hostID", 1000L, "size", 2000L)));
            linux.put("gidMappings", List.of(Map.of("containerID", 0L, "hostID", 1000L, "size", 2000L)));
            linux.put("devices", List.of(Map.of("path", "/dev/kmsg", "type", "c", "major", 1L, "minor", 11L, "fileMode", 0644L)));
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "un3");
        assertEquals(0, r.rc(), r::toString);
        String[] l = r.out().split("\n");
        assertEquals("0 1000 2000", l[0].trim().replaceAll("\\s+", " "));
        assertEquals("0 1000 2000", l[1].trim().replaceAll("\\s+", " "));
        assertEquals("0", l[2]);
        assertEquals("-rwxr-xr-x 65534 65534", l[3], "the rootfs's owner (guest root) is unmapped in the namespace");
        assertEquals("crw-r--r-- 65534 65534 1:b", l[4], "linux.devices in a user namespace: the guest's node, bound");
        if (Files.isExecutable(Path.of("/usr/bin/runc"))) {
            Cocoon.Result ref = runcReference().runIn(b.dir(), "run", "un3");
            assertEquals(ref.out().replaceAll("\\s+", " "), r.out().replaceAll("\\s+", " "), "as runc prints: " + ref);
        }
    }

    @Test
    void readOnlyRootRefusesWrites() throws Exception {
        Bundle b = bundle("sh", "-c", "touch /newfile && echo wrote || echo refused");
        b.edit(c -> Bundle.obj(c, "root").put("readonly", true));
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "ro1");
        assertTrue(r.out().contains("refused"), r::toString);
        assertTrue(r.err().contains("Read-only file system"), r::toString);
        assertTrue(!Files.exists(b.rootfs().resolve("newfile")));
    }

    @Test
    void readOnlyBindRefusesAndReadWriteBindPersists() throws Exception {
        Path ro = tmp.resolve("ro-src");
        Path rw = tmp.resolve("rw-src");
        Files.createDirectories(ro);
        Files.createDirectories(rw);
        Files.writeString(ro.resolve("in.txt"), "from the host\n");
        Bundle b = bundle("sh", "-c", "cat /ro/in.txt; touch /ro/x 2>/dev/null && echo ro-wrote || echo ro-refused; "
                + "echo persisted > /rw/out.txt && echo rw-ok");
        b.edit(c -> {
            List<Object> m = Bundle.list(c, "mounts");
            m.add(Map.of("destination", "/ro", "type", "bind", "source", ro.toString(), "options", List.of("rbind", "ro")));
            m.add(Map.of("destination", "/rw", "type", "bind", "source", rw.toString(), "options", List.of("rbind", "rw")));
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "bind1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("from the host\nro-refused\nrw-ok\n", r.out());
        assertEquals("persisted\n", Files.readString(rw.resolve("out.txt")));
        assertTrue(!Files.exists(ro.resolve("x")));
    }

    @Test
    void terminalThroughTheConsoleSocket() throws Exception {
        Bundle b = bundle("sh");
        b.edit(c -> Bundle.obj(c, "process").put("terminal", true));
        Path sock = tmp.resolve("console.sock");
        Path recv = Cocoon.tool("recvtty.py", tmp);
        Process tty = new ProcessBuilder("python3", recv.toString(), sock.toString(), "done-42", "echo hi; tty; echo done-$((40+2))")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(tty.getInputStream()));
        assertEquals("ready", out.readLine());
        Cocoon.Result c = cocoon.run("create", "--bundle", b.dir().toString(), "--console-socket", sock.toString(), "tty1");
        assertEquals(0, c.rc(), c::toString);
        assertEquals("payload=/dev/ptmx", out.readLine(), "runc's SCM_RIGHTS payload");
        assertEquals(0, cocoon.run("start", "tty1").rc());
        assertTrue(tty.waitFor(60, TimeUnit.SECONDS));
        String screen = new String(tty.getInputStream().readAllBytes());
        assertEquals(0, tty.exitValue(), screen);
        assertTrue(screen.contains("\nhi\r\n") || screen.contains("hi\r\n"), screen);
        assertTrue(screen.contains("/dev/pts/"), "the process has a real tty: " + screen);
        assertEquals(0, cocoon.run("delete", "--force", "tty1").rc());
    }

    @Test
    void terminalWithoutConsoleSocketIsRefusedForCreate() throws Exception {
        Bundle b = bundle("sh");
        b.edit(c -> Bundle.obj(c, "process").put("terminal", true));
        Cocoon.Result r = cocoon.run("create", "--bundle", b.dir().toString(), "tty2");
        assertNotEquals(0, r.rc());
        assertTrue(r.err().contains("console socket"), r::toString);
    }

    @Test
    void hooksRunInOrderWithTheState() throws Exception {
        Path log = tmp.resolve("hooks.log");
        Path hook = tmp.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\nread -r state\necho \"$1 $X $(echo \"$state\" | grep -o '\"status\":\"[a-z]*\"')\" >> " + log + "\n");
        hook.toFile().setExecutable(true);
        Bundle b = bundle("sh", "-c", "echo ran >> /dev/null");
        b.edit(c -> {
            Map<String, Object> hooks = Bundle.obj(c, "hooks");
            for (String point : List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")) {
                hooks.put(point, List.of(Map.of("path", hook.toString(), "args", List.of("hook", point), "env", List.of("X=env-ok"))));
            }
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "h1");
        assertEquals(0, r.rc(), r::toString);
        List<String> lines = Files.readAllLines(log);
        assertEquals(List.of("prestart env-ok \"status\":\"creating\"", "createRuntime env-ok \"status\":\"creating\"",
                "createContainer env-ok \"status\":\"created\"", "startContainer env-ok \"status\":\"created\"",
                "poststart env-ok \"status\":\"running\"", "poststop env-ok \"status\":\"stopped\""), lines);
    }

    @Test
    void failingCreateRuntimeHookFailsCreateAndCleansUp() throws Exception {
        Bundle b = bundle("true");
        b.edit(c -> Bundle.obj(c, "hooks").put("createRuntime", List.of(Map.of("path", "/bin/false"))));
        Cocoon.Result r = cocoon.run("create", "--bundle", b.dir().toString(), "hf");
        assertNotEquals(0, r.rc());
        assertTrue(r.err().contains("createRuntime hook"), r::toString);
        assertEquals(1, cocoon.run("state", "hf").rc());
    }

    @Test
    void hostCgroupHoldsTheMonitorAndTheVm() throws Exception {
        Bundle b = bundle("sleep", "1000");
        String path = "/cocoon-test/cg-" + ProcessHandle.current().pid();
        b.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            linux.put("cgroupsPath", path);
            linux.put("resources", Map.of("memory", Map.of("limit", 134217728L), "pids", Map.of("limit", 1000L),
                    "cpu", Map.of("cpus", "0", "mems", "0")));
        });
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "cg1").rc());
        long monitor = (Long) state("cg1").get("pid");
        long qemu = Long.parseLong(Files.readString(cocoon.root().resolve("cg1/qemu.pid")).trim());
        Path mem = Path.of("/sys/fs/cgroup/memory" + path);
        Path dir = Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) ? mem : Path.of("/sys/fs/cgroup" + path);
        String procs = Files.readString(dir.resolve("cgroup.procs"));
        assertTrue(procs.contains(String.valueOf(monitor)) && procs.contains(String.valueOf(qemu)), procs);
        if (dir == mem) {
            // 128 MiB container limit -> 192 MiB VM (+64) -> 448 MiB for the VM's host processes (+256)
            assertEquals(String.valueOf(448L << 20), Files.readString(dir.resolve("memory.limit_in_bytes")).trim());
        }
        // pids.limit reaches the host cgroup too (as runc writes it), and the guest's
        Path pids = Files.isDirectory(Path.of("/sys/fs/cgroup/pids")) ? Path.of("/sys/fs/cgroup/pids" + path) : dir;
        assertEquals("1000", Files.readString(pids.resolve("pids.max")).trim());
        // cpu.cpus/mems: a cpuset holding the VM's threads, which /proc/<state.pid>/cgroup names
        Path cpuset = Files.isDirectory(Path.of("/sys/fs/cgroup/cpuset")) ? Path.of("/sys/fs/cgroup/cpuset" + path) : dir;
        if (Files.exists(cpuset.resolve("cpuset.cpus"))) {
            assertEquals("0", Files.readString(cpuset.resolve("cpuset.cpus")).trim());
            assertEquals("0", Files.readString(cpuset.resolve("cpuset.mems")).trim());
        }
        if (cpuset != dir) {
            String own = Files.readString(Path.of("/proc/" + monitor + "/cgroup"));
            assertTrue(own.lines().anyMatch(l -> l.matches("\\d+:cpuset:" + java.util.regex.Pattern.quote(path))), own);
        }
        assertEquals(0, cocoon.run("start", "cg1").rc());
        assertEquals("1000\n", cocoon.run("exec", "cg1", "sh", "-c", "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max").out());
        assertEquals(0, cocoon.run("delete", "--force", "cg1").rc());
        assertTrue(Files.notExists(dir), "the cgroup goes with the container");
        for (String c : List.of("memory", "cpu", "cpuacct", "pids", "freezer", "cpuset", "")) {
            Path parent = Path.of("/sys/fs/cgroup/" + c + "/cocoon-test");
            if (Files.isDirectory(parent)) Files.deleteIfExists(parent);
        }
    }

    /** The host-kernel fallback: Debian's generic kernel with its modules loaded by the agent. */
    @Test
    void debianKernelFallback() throws Exception {
        Path root = Path.of(System.getProperty("user.home"), ".cache/cocoon/debian-kernel/root");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(root.resolve("boot")),
                "no unpacked Debian kernel (scripts/setup fetches one)");
        Bundle b = bundle("sh", "-c", "uname -r; cat /etc/passwd | head -1");
        b.edit(c -> Bundle.obj(c, "annotations").put("io.cocoon.vm.kernel", "host"));
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "COCOON_HOST_KERNEL_ROOT=" + root));
        cmd.addAll(cocoon.command("run", "--bundle", b.dir().toString(), "dk1"));
        Cocoon.Result r = Cocoon.exec(cmd, b.dir(), null, java.time.Duration.ofSeconds(120));
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("-amd64\n") && r.out().contains("root:x:0:0"), r::toString);
    }
}
