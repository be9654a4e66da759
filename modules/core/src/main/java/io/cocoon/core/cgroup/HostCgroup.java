package io.cocoon.core.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tinylog.Logger;

/**
 * Places the monitor and the hypervisor in the container's host cgroup
 * ({@code linux.cgroupsPath}, cgroupfs layout, v1 or v2), with limits that bound the whole VM:
 * memory (guest RAM plus the hypervisor's own overhead) and CPU (quota and shares). Failures are
 * logged, not fatal: a rootless or delegated setup may not allow it, and the guest enforces the
 * container's own limits anyway.
 */
public final class HostCgroup {
    public static final Path ROOT = Path.of("/sys/fs/cgroup");
    static final List<String> V1_CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids", "freezer", "cpuset");

    /** Headroom for QEMU itself and the monitor JVM on top of guest RAM, in the host cgroup. */
    public static final long HOST_OVERHEAD_MIB = 256;

    /**
     * The fewest pids the host cgroup may allow: it holds the monitor JVM's threads (~25) and
     * QEMU's (~5-10), not the container's processes, which the guest cgroup counts. A smaller
     * {@code pids.limit} is enforced in the guest only.
     */
    public static final long MIN_HOST_PIDS = 128;

    /** Host limits for the VM; 0 or negative means none. */
    public record Limits(long memoryBytes, long cpuQuota, long cpuPeriod, long cpuShares, long pids, String cpus, String mems) {
        public static final Limits NONE = new Limits(0, 0, 0, 0, 0, null, null);

        public Limits(long memoryBytes, long cpuQuota, long cpuPeriod, long cpuShares) {
            this(memoryBytes, cpuQuota, cpuPeriod, cpuShares, 0, null, null);
        }

        public Limits(long memoryBytes, long cpuQuota, long cpuPeriod, long cpuShares, long pids) {
            this(memoryBytes, cpuQuota, cpuPeriod, cpuShares, pids, null, null);
        }

        /**
         * The host cgroup bounds the whole VM: guest RAM plus the hypervisor's overhead (only when
         * the container has a memory limit at all), and the container's CPU quota and shares.
         */
        public static Limits forVm(io.cocoon.spi.oci.Linux.Resources r, long guestMiB) {
            boolean memLimit = r.memory() != null && r.memory().limit() != null && r.memory().limit() > 0;
            long mem = memLimit ? (guestMiB + HOST_OVERHEAD_MIB) << 20 : 0;
            long quota = r.cpu() != null && r.cpu().quota() != null ? r.cpu().quota() : 0;
            long period = r.cpu() != null && r.cpu().period() != null ? r.cpu().period() : 0;
            long shares = r.cpu() != null && r.cpu().shares() != null ? r.cpu().shares() : 0;
            long pids = r.pids() != null && r.pids().limit() > 0 ? Math.max(r.pids().limit(), MIN_HOST_PIDS) : 0;
            // cpuset: the VM's threads (vCPUs included) run on the spec's CPUs and memory nodes
            String cpus = r.cpu() != null && r.cpu().cpus() != null && !r.cpu().cpus().isBlank() ? r.cpu().cpus().strip() : null;
            String mems = r.cpu() != null && r.cpu().mems() != null && !r.cpu().mems().isBlank() ? r.cpu().mems().strip() : null;
            return new Limits(mem, quota, period, shares, pids, cpus, mems);
        }
    }

    private HostCgroup() {}

    /** {@code slice:prefix:name} (systemd notation) becomes a cgroupfs path, as runc maps it. */
    static String path(String cgroupsPath) {
        if (cgroupsPath == null || cgroupsPath.isBlank()) return null;
        if (!cgroupsPath.startsWith("/") && cgroupsPath.split(":").length == 3) {
            String[] f = cgroupsPath.split(":");
            return "/" + f[0] + "/" + f[1] + "-" + f[2] + ".scope";
        }
        return cgroupsPath.startsWith("/") ? cgroupsPath : "/" + cgroupsPath;
    }

    static boolean isV1(Path root) {
        return Files.isDirectory(root.resolve("memory"));
    }

    /**
     * Creates the cgroup(s), sets the limits and moves the given pids in. Returns the directories
     * created, for cleanup at delete.
     */
    public static List<Path> place(Path root, String cgroupsPath, Limits limits, long... pids) {
        String rel = path(cgroupsPath);
        List<Path> dirs = new ArrayList<>();
        if (rel == null || !Files.isDirectory(root)) return dirs;
        try {
            if (isV1(root)) {
                for (String ctrl : V1_CONTROLLERS) {
                    Path base = root.resolve(ctrl);
                    if (!Files.isDirectory(base)) continue;
                    Path dir = Path.of(base + rel);
                    if (ctrl.equals("cpuset")) createCpusets(base, dir);
                    else Files.createDirectories(dir);
                    dirs.add(dir);
                    switch (ctrl) {
                        case "memory" -> {
                            if (limits.memoryBytes() > 0) write(dir, "memory.limit_in_bytes", limits.memoryBytes());
                        }
                        case "cpu" -> {
                            if (limits.cpuPeriod() > 0) write(dir, "cpu.cfs_period_us", limits.cpuPeriod());
                            if (limits.cpuQuota() > 0) write(dir, "cpu.cfs_quota_us", limits.cpuQuota());
                            if (limits.cpuShares() > 0) write(dir, "cpu.shares", limits.cpuShares());
                        }
                        case "pids" -> {
                            if (limits.pids() > 0) write(dir, "pids.max", limits.pids());
                        }
                        case "cpuset" -> {
                            if (limits.cpus() != null) Files.writeString(dir.resolve("cpuset.cpus"), limits.cpus());
                            if (limits.mems() != null) Files.writeString(dir.resolve("cpuset.mems"), limits.mems());
                        }
                        default -> { }
                    }
                    for (long pid : pids) write(dir, "cgroup.procs", pid);
                }
            } else {
                Path dir = Path.of(root + rel);
                Files.createDirectories(dir);
                dirs.add(dir);
                if (limits.memoryBytes() > 0) write(dir, "memory.max", limits.memoryBytes());
                if (limits.cpuQuota() > 0) {
                    Files.writeString(dir.resolve("cpu.max"), CgroupValues.cpuMax(limits.cpuQuota(), limits.cpuPeriod()));
                }
                if (limits.cpuShares() > 0) write(dir, "cpu.weight", CgroupValues.weight(limits.cpuShares()));
                if (limits.pids() > 0) write(dir, "pids.max", limits.pids());
                if (limits.cpus() != null && Files.exists(dir.resolve("cpuset.cpus"))) Files.writeString(dir.resolve("cpuset.cpus"), limits.cpus());
                if (limits.mems() != null && Files.exists(dir.resolve("cpuset.mems"))) Files.writeString(dir.resolve("cpuset.mems"), limits.mems());
                for (long pid : pids) write(dir, "cgroup.procs", pid);
            }
        } catch (IOException | RuntimeException e) {
            Logger.warn("host cgroup {}: {}", rel, e.getMessage());
        }
        return dirs;
    }

    /**
     * cgroup v1's cpuset: a new cpuset has no CPUs and no memory nodes, and no task may join it
     * until it has both, so each level created on the way down starts with its parent's.
     */
    private static void createCpusets(Path base, Path dir) throws IOException {
        Path rel = base.relativize(dir);
        Path cur = base;
        for (Path part : rel) {
            Path next = cur.resolve(part);
            if (!Files.isDirectory(next)) Files.createDirectory(next);
            for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
                if (Files.exists(next.resolve(f)) && Files.readString(next.resolve(f)).isBlank() && Files.exists(cur.resolve(f))) {
                    Files.writeString(next.resolve(f), Files.readString(cur.resolve(f)).strip());
                }
            }
            cur = next;
        }
    }

    private static void write(Path dir, String file, long value) throws IOException {
        Files.writeString(dir.resolve(file), Long.toString(value));
    }

    /**
     * The directories {@link #place} makes for {@code cgroupsPath} (one per v1 hierarchy, or the
     * unified one): what a cleanup removes when the monitor was killed before it recorded them.
     */
    public static List<Path> dirs(Path root, String cgroupsPath) {
        String rel = path(cgroupsPath);
        List<Path> dirs = new ArrayList<>();
        if (rel == null || !Files.isDirectory(root)) return dirs;
        if (isV1(root)) {
            for (String ctrl : V1_CONTROLLERS) if (Files.isDirectory(root.resolve(ctrl))) dirs.add(Path.of(root.resolve(ctrl) + rel));
        } else {
            dirs.add(Path.of(root + rel));
        }
        return dirs;
    }

    /** Removes cgroup directories (deepest first); directories still in use stay. */
    public static void remove(List<Path> dirs) {
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                Logger.debug("rmdir {}: {}", d, e.getMessage());
            }
        }
    }
}
