package io.cocoon.spi;

import java.util.List;

/**
 * What a storage driver decided for one container.
 *
 * @param rootfs how the agent mounts the container root
 * @param mounts every mount the agent makes for the container, in order: staging mounts first,
 *     then the spec's mounts with binds replaced by their guest-side form
 * @param devices what the hypervisor must attach
 * @param shares mounts the agent makes once in its own namespace, before any container is
 *     created from them (a shared-directory device is mounted once per VM; every container of
 *     the VM binds its pieces from there)
 * @param hostBinds host-side bind mounts into the share directory, made by core in the
 *     monitor's mount namespace before the hypervisor starts (see {@link HostBind})
 * @param files files the agent writes into the container's root at CREATE, copies of host
 *     files that then need no share (see {@link GuestFile}; since 1.6)
 */
@Stable(since = "1.0")
public record StoragePlan(GuestMount rootfs, List<GuestMount> mounts, List<VmDevice> devices, List<GuestMount> shares,
                          List<HostBind> hostBinds, List<GuestFile> files) {
    public StoragePlan {
        mounts = List.copyOf(mounts);
        devices = List.copyOf(devices);
        shares = List.copyOf(shares);
        hostBinds = List.copyOf(hostBinds);
        files = List.copyOf(files);
    }

    /** A plan that copies no files (SPI 1.2's shape). */
    public StoragePlan(GuestMount rootfs, List<GuestMount> mounts, List<VmDevice> devices, List<GuestMount> shares,
                       List<HostBind> hostBinds) {
        this(rootfs, mounts, devices, shares, hostBinds, List.of());
    }

    /** A plan with no VM-wide shares and no host binds (SPI 1.0's shape). */
    public StoragePlan(GuestMount rootfs, List<GuestMount> mounts, List<VmDevice> devices) {
        this(rootfs, mounts, devices, List.of(), List.of());
    }
}
