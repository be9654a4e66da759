package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;

/**
 * {@code linux.resources}: the memory limit sizes the VM (limit + guest overhead) and is also
 * set on the container's cgroup in the guest; the CPU quota sizes the vCPU count; the rest is
 * applied to the host cgroup of the monitor and hypervisor.
 */
public final class ResourcesHandler implements SpecHandler {
    /** Guest kernel, agent and page cache headroom on top of the container's own limit. */
    public static final long GUEST_OVERHEAD_MIB = 64;
    public static final long MIN_VM_MIB = 128;

    /**
     * What the guest's cgroup v2 cannot do as the spec says, as runc on cgroup v2 cannot either:
     * said in the log rather than dropped silently. The reservation is applied ({@code memory.low}).
     */
    static void memoryWarnings(Linux.Memory m, SandboxPlan plan) {
        if (m == null) return;
        if (m.swap() != null && m.swap() != 0 && (m.limit() == null || !m.swap().equals(m.limit()))) {
            plan.warn("linux.resources.memory.swap", "the guest has no swap device: the container cannot swap, whatever the limit");
        }
        if (m.swappiness() != null) {
            plan.warn("linux.resources.memory.swappiness", "the guest's cgroup v2 has no per-cgroup swappiness (nor has the guest swap)");
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            plan.warn("linux.resources.memory.disableOOMKiller", "the guest's cgroup v2 cannot disable the OOM killer; at its limit a process is OOM-killed (the oom event of `events`)");
        }
        if (m.reservation() != null && m.reservation() > 0 && m.limit() != null && m.limit() > 0 && m.reservation() > m.limit()) {
            plan.warn("linux.resources.memory.reservation", "above the limit: it protects no more than the limit");
        }
    }

    @Override public String section() { return "linux.resources"; }
    @Override public int order() { return 200; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        if (spec.linux() == null || spec.linux().resources() == null) return;
        Linux.Resources r = spec.linux().resources();
        plan.resources(r);
        if (r.memory() != null && r.memory().limit() != null && r.memory().limit() > 0) {
            long limit = r.memory().limit();
            if (limit < 4L << 20) throw new SpecException("linux.resources.memory.limit", "must be at least 4 MiB");
            long mib = (limit + (1 << 20) - 1) >> 20;
            plan.vm().memoryMiB(Math.max(MIN_VM_MIB, mib + GUEST_OVERHEAD_MIB));
            plan.vm().sources().put("memory", "linux.resources.memory.limit");
        }
        memoryWarnings(r.memory(), plan);
        if (r.cpu() != null && r.cpu().quota() != null && r.cpu().quota() > 0) {
            long period = r.cpu().period() == null || r.cpu().period() == 0 ? 100_000 : r.cpu().period();
            int cpus = (int) Math.max(1, (r.cpu().quota() + period - 1) / period);
            plan.vm().vcpus(Math.min(cpus, Runtime.getRuntime().availableProcessors()));
            plan.vm().sources().put("vcpus", "linux.resources.cpu.quota");
        }
        if (r.pids() != null && r.pids().limit() == 0) {
            throw new SpecException("linux.resources.pids.limit", "0 would forbid the container's own process");
        }
        if (r.hugepageLimits() != null && !r.hugepageLimits().isEmpty()) {
            plan.warn("linux.resources.hugepageLimits", "not applied in the guest");
        }
    }
}
