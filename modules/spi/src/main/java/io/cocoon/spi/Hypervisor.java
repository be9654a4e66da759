package io.cocoon.spi;

import java.nio.file.Path;
import java.util.Set;

/**
 * Boots and controls VMs. One instance serves every VM of its kind; per-VM state lives in the
 * returned {@link Vm} and in files under {@link VmPlan#stateDir()}, so that a later, unrelated
 * process ({@code cocoon delete --force} after a crash) can still {@link #cleanup} it.
 */
@Stable(since = "1.0")
public interface Hypervisor extends Driver {

    /** What a driver can do beyond boot/kill. */
    enum Feature {
        PAUSE, SNAPSHOT, SHARED_FS_9P, VIRTIO_SERIAL, VSOCK, NET_TAP, DISK, ARGS_TEMPLATE,
        /**
         * The hypervisor makes the guest's NICs itself (Xen's netback makes {@code vifD.N} in
         * dom0 when the domain is created) instead of opening taps a network driver made: it puts
         * each one in the plan's network namespace under the name its {@link VmDevice.NetTap}
         * gives, the network driver is told not to make them
         * ({@link NetworkRequest#hypervisorMakesNics()}) and joins them once the VM is launched
         * ({@link NetworkProvider#joinNics}).
         *
         * @since 1.7
         */
        MAKES_NICS
    }

    Set<Feature> features();

    /**
     * Checks that the VM can be built as planned, before anything is launched: e.g. that the
     * machine type has room for every device. Throws a {@link CocoonException} with one line
     * naming the limit and the count; the default accepts everything.
     */
    default void validate(VmPlan plan) { }

    /**
     * The 9p transport the guest mounts this hypervisor's shares with ({@code trans=} of the
     * {@code 9p} mounts a storage driver plans): {@code virtio} for QEMU's virtio-9p, {@code xen}
     * for Xen's 9pfs. A storage driver cannot know it; core applies it to the storage plan.
     *
     * @since 1.4
     */
    default String shareTransport() { return "virtio"; }

    /**
     * Starts the VM described by {@code plan} and returns once the hypervisor process runs; the
     * caller then connects to {@link Vm#agentSocket()} with its own deadline. Must not leave a
     * process behind when it throws.
     */
    Vm launch(VmPlan plan);

    /**
     * Restores a VM saved with {@link Vm#save}; drivers without {@link Feature#SNAPSHOT} keep the
     * default, which refuses in one line.
     */
    default Vm restore(VmPlan plan, Path snapshot) {
        throw new CocoonException(name() + ": restoring a VM snapshot is not supported by this hypervisor");
    }

    /**
     * What identifies a VM template for {@code plan} (docs/templates.md): a string that differs
     * whenever anything that shapes the booted guest differs (binary, kernel, initramfs, machine,
     * vCPUs, memory, device layout, accelerator), and ignores what differs per VM (paths under
     * the state directory, share paths, tap names, MACs). Null when a VM of this plan cannot be
     * saved and cloned; the default, so a driver without templates always cold-boots.
     *
     * @since 1.5
     */
    @Experimental
    default String templateKey(VmPlan plan) { return null; }

    /**
     * Launches a VM to be saved as a template with {@link Vm#save}. With {@code sharedMemory},
     * its RAM is that file, mapped shared, so the saved state leaves the RAM out and clones map
     * the file copy-on-write.
     *
     * @since 1.5
     */
    @Experimental
    default Vm launchTemplate(VmPlan plan, Path sharedMemory) {
        throw new CocoonException(name() + ": VM templates are not supported by this hypervisor");
    }

    /**
     * {@link #launchTemplate(VmPlan, Path)}, saying whether the guest may give freed memory back
     * into {@code memory} (free page reporting punches holes in it): true for a template whose
     * clones each map a copy of their own, false for one clones share. The default ignores it.
     *
     * @since 1.7
     */
    @Experimental
    default Vm launchTemplate(VmPlan plan, Path memory, boolean discardable) {
        return launchTemplate(plan, memory);
    }

    /**
     * {@link #restore(VmPlan, Path, Path)}, saying whether {@code memory} is this VM's own (a
     * copy: freed memory may be discarded into it) or shared with other clones. It must match
     * what the template was launched with. The default ignores it.
     *
     * @since 1.7
     */
    @Experimental
    default Vm restore(VmPlan plan, Path state, Path memory, boolean discardable) {
        return restore(plan, state, memory);
    }

    /**
     * {@link #restore(VmPlan, Path, Path, boolean)} while the caller may still be filling
     * {@code memory} (a private clone's copy, already at its final size): the driver runs
     * {@code memoryReady}, which blocks until the file is complete or throws, after starting its
     * hypervisor and before the hypervisor reads a byte of the memory or the state, so the copy
     * overlaps the hypervisor's start. An exception from it fails the restore (no process left).
     * The default runs it first, then restores.
     *
     * @since 1.8
     */
    @Experimental
    default Vm restore(VmPlan plan, Path state, Path memory, boolean discardable, Runnable memoryReady) {
        memoryReady.run();
        return restore(plan, state, memory, discardable);
    }

    /**
     * Starts a VM of {@code plan} from a saved state instead of a cold boot: a template's (the
     * device layout must be the template's, the paths may differ) or a checkpoint's. With
     * {@code sharedMemory} the RAM is the template's file mapped copy-on-write. Returns once the
     * guest runs; throws, leaving no process, when the state cannot be loaded.
     *
     * @since 1.5
     */
    @Experimental
    default Vm restore(VmPlan plan, Path state, Path sharedMemory) {
        if (sharedMemory != null) throw new CocoonException(name() + ": shared-memory snapshots are not supported by this hypervisor");
        return restore(plan, state);
    }

    /**
     * Kills whatever VM process still belongs to {@code stateDir} and removes the driver's files
     * there. Idempotent, quiet when there is nothing to do, safe after the launching process died.
     */
    void cleanup(Path stateDir);
}
