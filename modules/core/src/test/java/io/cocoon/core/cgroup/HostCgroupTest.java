package io.cocoon.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroupfs layouts v1 and v2, against fake hierarchies (the real one is exercised end to end). */
class HostCgroupTest {
    @Test
    void paths() {
        assertNull(HostCgroup.path(""));
        assertEquals("/libpod_parent/libpod-abc", HostCgroup.path("/libpod_parent/libpod-abc"));
        assertEquals("/k8s.io/abc", HostCgroup.path("k8s.io/abc"));
        assertEquals("/system.slice/cri-containerd-abc.scope", HostCgroup.path("system.slice:cri-containerd:abc"));
    }

    /** What a cleanup removes without the monitor's record: the directories place() makes. */
    @Test
    void dirsAreWhatPlaceMakes(@TempDir Path root) throws Exception {
        for (String c : List.of("memory", "cpu", "pids")) Files.createDirectories(root.resolve(c));
        List<Path> made = HostCgroup.place(root, "/soak/c1", HostCgroup.Limits.NONE);
        assertEquals(made, HostCgroup.dirs(root, "/soak/c1"));
        assertEquals(List.of(), HostCgroup.dirs(root, null));
    }

    @Test
    void v1PutsLimitsAndPidsInEachController(@TempDir Path root) throws Exception {
        for (String c : List.of("memory", "cpu", "pids")) Files.createDirectories(root.resolve(c));
        List<Path> dirs = HostCgroup.place(root, "/a/b", new HostCgroup.Limits(1 << 30, 50000, 100000, 512, 1000), 11, 22);
        assertEquals(3, dirs.size());
        assertEquals("1000", Files.readString(root.resolve("pids/a/b/pids.max")));
        assertEquals(String.valueOf(1 << 30), Files.readString(root.resolve("memory/a/b/memory.limit_in_bytes")));
        assertEquals("50000", Files.readString(root.resolve("cpu/a/b/cpu.cfs_quota_us")));
        assertEquals("512", Files.readString(root.resolve("cpu/a/b/cpu.shares")));
        assertEquals("22", Files.readString(root.resolve("pids/a/b/cgroup.procs")), "the last pid written (a real cgroup.procs appends)");
        HostCgroup.remove(List.of(root.resolve("pids/a/b/cgroup.procs")));
    }

    @Test
    void v2WritesUnifiedFiles(@TempDir Path root) throws Exception {
        List<Path> dirs = HostCgroup.place(root, "/x", new HostCgroup.Limits(0, 20000, 0, 1024), 5);
        assertEquals(List.of(root.resolve("x")), dirs);
        assertEquals("20000 100000", Files.readString(root.resolve("x/cpu.max")));
        assertTrue(Files.notExists(root.resolve("x/memory.max")), "no memory limit without one in the spec");
        assertEquals("39", Files.readString(root.resolve("x/cpu.weight")));
        assertTrue(Files.notExists(root.resolve("x/pids.max")), "no pids limit without one in the spec");
        HostCgroup.place(root, "/y", new HostCgroup.Limits(0, 0, 0, 0, 1000), 5);
        assertEquals("1000", Files.readString(root.resolve("y/pids.max")));
    }

    /** v1 cpuset: the leaf gets the spec's CPUs and nodes; a level made on the way starts with its parent's. */
    @Test
    void v1CpusetLevelsInheritThenTheLeafIsTheSpecs(@TempDir Path root) throws Exception {
        Path base = root.resolve("cpuset");
        Files.createDirectories(base.resolve("a"));
        Files.writeString(base.resolve("cpuset.cpus"), "0-3\n");
        Files.writeString(base.resolve("cpuset.mems"), "0\n");
        Files.writeString(base.resolve("a/cpuset.cpus"), ""); // as the kernel makes a new cpuset: empty
        Files.writeString(base.resolve("a/cpuset.mems"), "");
        Files.createDirectories(root.resolve("memory"));
        HostCgroup.place(root, "/a/b", new HostCgroup.Limits(0, 0, 0, 0, 0, "1", null), 7);
        assertEquals("0-3", Files.readString(base.resolve("a/cpuset.cpus")), "an empty level gets its parent's CPUs");
        assertEquals("0", Files.readString(base.resolve("a/cpuset.mems")));
        assertEquals("1", Files.readString(base.resolve("a/b/cpuset.cpus")));
        assertEquals("7", Files.readString(base.resolve("a/b/cgroup.procs")));
    }

    /** The host cgroup holds the monitor's and QEMU's threads: a tiny limit is the guest's alone. */
    @Test
    void pidsLimitReachesTheHostCgroupWithRoomForTheMonitor() {
        io.cocoon.spi.oci.Linux.Resources r = io.cocoon.core.oci.SpecParser.parse(("{'ociVersion': '1.2.0', 'root': {'path': 'r'},"
                + " 'process': {'args': ['x'], 'cwd': '/'}, 'linux': {'resources': {'pids': {'limit': 1000}}}}").replace('\'', '"')
                .getBytes(), "config.json").linux().resources();
        assertEquals(1000, HostCgroup.Limits.forVm(r, 256).pids());
        io.cocoon.spi.oci.Linux.Resources small = io.cocoon.core.oci.SpecParser.parse(("{'ociVersion': '1.2.0', 'root': {'path': 'r'},"
                + " 'process': {'args': ['x'], 'cwd': '/'}, 'linux': {'resources': {'pids': {'limit': 10}}}}").replace('\'', '"')
                .getBytes(), "config.json").linux().resources();
        assertEquals(HostCgroup.MIN_HOST_PIDS, HostCgroup.Limits.forVm(small, 256).pids());
    }
}
