package io.cocoon.spi;

import java.nio.file.Path;

/**
 * Exposes the bundle's root filesystem and bind mounts to the guest: devices for the hypervisor
 * plus mount instructions for the agent.
 */
@Stable(since = "1.0")
public interface StorageProvider extends Driver {
    /** Whether this driver can serve the plan (e.g. a block driver needs {@code vm.image}). */
    boolean supports(SandboxPlan plan);

    /**
     * What the hypervisor must offer for this driver's devices (e.g. {@code SHARED_FS_9P},
     * {@code DISK}). Core checks it against {@link Hypervisor#features()} when it pairs the
     * two, so an incompatible pair fails at create in one line.
     */
    default java.util.Set<Hypervisor.Feature> requires(SandboxPlan plan) {
        return java.util.Set.of();
    }

    /** Decides devices and guest mounts; may create files under {@code stateDir}. */
    StoragePlan prepare(SandboxPlan plan, Path stateDir);

    /** Undoes {@link #prepare}; idempotent, safe after a crash. */
    void release(Path stateDir);
}
