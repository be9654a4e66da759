package io.cocoon.core.model;

/**
 * New limits for a running container ({@code cocoon update}); a null field stays as it is. The
 * values are runc's: bytes, microseconds, cgroup v1 shares (converted to a v2 weight for the
 * guest), and a negative memory or pids value meaning "no limit".
 */
public record ResourceUpdate(Long memory, Long pids, Long cpuQuota, Long cpuPeriod, Long cpuShares) {
    public static final ResourceUpdate NONE = new ResourceUpdate(null, null, null, null, null);

    /** Whether anything is to change (zero values mean "unset", as in runc's flags). */
    public boolean isEmpty() {
        return nz(memory) == null && nz(pids) == null && cpuQuota == null && cpuPeriod == null && nz(cpuShares) == null;
    }

    public ResourceUpdate withMemory(Long v) { return new ResourceUpdate(v, pids, cpuQuota, cpuPeriod, cpuShares); }
    public ResourceUpdate withPids(Long v) { return new ResourceUpdate(memory, v, cpuQuota, cpuPeriod, cpuShares); }
    public ResourceUpdate withCpuQuota(Long v) { return new ResourceUpdate(memory, pids, v, cpuPeriod, cpuShares); }
    public ResourceUpdate withCpuPeriod(Long v) { return new ResourceUpdate(memory, pids, cpuQuota, v, cpuShares); }
    public ResourceUpdate withCpuShares(Long v) { return new ResourceUpdate(memory, pids, cpuQuota, cpuPeriod, v); }

    /** {@code v}, or null when it is null or 0 ("unset"). */
    public static Long nz(Long v) {
        return v == null || v == 0 ? null : v;
    }
}
