package io.cocoon.spi;

/**
 * The SPI version plugins are built against; {@code cocoon plugins} prints it. It is also the
 * version of the {@code io.cocoon.spi} module, so javac records it in every plugin's
 * {@code requires io.cocoon.spi}; the plugin loader refuses a plugin built against another major
 * version, or a newer minor one.
 *
 * <p>1.1: {@code VmSettings.bootTimeoutMs}, {@code Spec.Process.withEnv}.
 * <p>1.2: {@code StoragePlan.shares} and {@code hostBinds} ({@link HostBind}),
 * {@code StorageProvider.requires}, {@code Hypervisor.validate}, {@link Stable} and
 * {@link Experimental}, {@code SandboxPlan.devices}.
 * <p>1.3: {@code NetworkRequest.env}, {@code NetworkSetup} carries routes, DNS search domains,
 * the namespace the hypervisor runs in and kernel parameters ({@code NetInterface.routes}
 * replaces its {@code gateway}: an incompatible change made while no third-party network
 * driver existed), {@code NetworkProvider.check(request)}, {@code VmPlan.netns},
 * {@code SandboxPlan.privateNetwork}.
 * <p>1.4: {@code Hypervisor.shareTransport} (Xen's 9pfs is not virtio's).
 * <p>1.5: VM templates and restore: {@code Hypervisor.templateKey}, {@code launchTemplate},
 * {@code restore(plan, state, sharedMemory)}.
 * <p>1.6: {@code StoragePlan.files} ({@link GuestFile}): files copied into the guest instead of
 * bound through a share (a block rootfs's engine files, so that its VM can be checkpointed).
 * <p>1.7: NICs a hypervisor makes itself (Xen's vifs): {@code Hypervisor.Feature.MAKES_NICS},
 * {@code NetworkRequest.hypervisorMakesNics}, {@code NetworkProvider.joinNics}; {@code launchTemplate} and
 * {@code restore} with a memory file the VM may discard into (a private clone's own copy).
 * <p>1.8: {@code Hypervisor.restore(plan, state, memory, discardable, memoryReady)}: a private
 * clone's memory is copied while the hypervisor starts.
 */
public final class SpiVersion {
    /** Bumped on incompatible SPI changes (major) and additions (minor). */
    public static final String VERSION = "1.8";

    private SpiVersion() {}
}
