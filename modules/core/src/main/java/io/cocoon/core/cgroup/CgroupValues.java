package io.cocoon.core.cgroup;

/**
 * The cgroup value conversions runc applies, in one place: the host cgroup (monitor and
 * hypervisor) and the container's cgroup in the guest both use them.
 */
public final class CgroupValues {
    /** CFS period when the spec gives a quota without one (the kernel's default). */
    public static final long DEFAULT_CPU_PERIOD = 100_000;

    private CgroupValues() {}

    /**
     * cgroup v1 {@code cpu.shares} (2..262144) to the v2 {@code cpu.weight} (1..10000), the
     * conversion runc and crun use; out-of-range shares are clamped first, as the kernel does.
     */
    public static long weight(long shares) {
        long s = Math.max(2, Math.min(262144, shares));
        return 1 + ((s - 2) * 9999) / 262142;
    }

    /**
     * The v2 {@code cpu.max} line: {@code "<quota> <period>"}, with {@code max} for no quota (a
     * null or non-positive one) and the default period when none is given.
     */
    public static String cpuMax(Long quota, Long period) {
        long p = period == null || period <= 0 ? DEFAULT_CPU_PERIOD : period;
        return (quota == null || quota <= 0 ? "max" : Long.toString(quota)) + " " + p;
    }
}
