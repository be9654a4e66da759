package io.cocoon.spi;

import java.nio.file.Path;

/**
 * Exposes the bundle's root filesystem and bind mounts to the guest: devices for the hypervisor
 * plus mount instructions for the agent.
 */
public interface StorageProvider extends Driver {
    /** Whether this driver can serve the plan (e.g. a block driver needs {@code vm.image}). */
    boolean supports(SandboxPlan plan);

    /** Decides devices and guest mounts; may create files under {@code stateDir}. */
    StoragePlan prepare(SandboxPlan plan, Path stateDir);

    /** Undoes {@link #prepare}; idempotent, safe after a crash. */
    void release(Path stateDir);
}
