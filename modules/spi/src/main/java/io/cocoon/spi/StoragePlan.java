package io.cocoon.spi;

import java.util.List;

/**
 * @param rootfs how the agent mounts the container root
 * @param mounts every mount the agent makes, in order: staging mounts first, then the spec's
 *     mounts with binds replaced by their guest-side form
 * @param devices what the hypervisor must attach
 */
public record StoragePlan(GuestMount rootfs, List<GuestMount> mounts, List<VmDevice> devices) {}
