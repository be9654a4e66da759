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

    @Test
    void v1PutsLimitsAndPidsInEachController(@TempDir Path root) throws Exception {
        for (String c : List.of("memory", "cpu", "pids")) Files.createDirectories(root.resolve(c));
        List<Path> dirs = HostCgroup.place(root, "/a/b", new HostCgroup.Limits(1 << 30, 50000, 100000, 512), 11, 22);
        assertEquals(3, dirs.size());
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
    }
}
