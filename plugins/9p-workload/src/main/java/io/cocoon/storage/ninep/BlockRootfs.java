package io.cocoon.storage.ninep;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.GuestMount;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.StorageProvider;
import io.cocoon.spi.VmDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The container root as a virtio-blk disk: an image the bundle brings ({@code vm.image}, raw or
 * qcow2), or one built from the bundle's rootfs directory ({@code io.cocoon.storage=block}),
 * cached by the tree's digest ({@link RootfsImages}). Either way the container writes to a
 * qcow2 overlay in its state directory, so the image stays pristine and another container can
 * start from it at once. Bind mounts still reach the guest through the share
 * ({@link ShareLayout}), except an engine's generated files and {@code /dev/shm}, which are
 * copied (a tmpfs for shm): with nothing else bound, a podman container's VM has no 9p export
 * and can be checkpointed.
 *
 * <p>Why: QEMU cannot migrate a VM with a mounted 9p export, so this is the root a checkpoint
 * needs, and metadata-heavy workloads (unpacking, package managers) run at disk speed instead of
 * at 9p's round trips. What an engine loses: the container's writes no longer appear in the
 * rootfs directory on the host, so {@code podman diff}, {@code cp} and {@code commit} do not see
 * them (docs/storage.md).
 */
public final class BlockRootfs implements StorageProvider {
    public static final String NAME = "block";
    /** The filesystem of a bundle-provided image ({@code ext4} unless this annotation says). */
    public static final String FSTYPE_ANNOTATION = "io.cocoon.plugin.block.fstype";
    static final String OVERLAY = "rootfs.qcow2";

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "rootfs as a virtio-blk disk (vm.image, or an ext4 image built from the rootfs and cached), writes to a qcow2 overlay";
    }

    @Override
    public boolean supports(SandboxPlan plan) {
        return plan.vm().image() != null;
    }

    @Override
    public Set<Hypervisor.Feature> requires(SandboxPlan plan) {
        Set<Hypervisor.Feature> f = EnumSet.of(Hypervisor.Feature.DISK);
        if (plan.mounts().stream().anyMatch(io.cocoon.spi.oci.Spec.Mount::isBind)) f.add(Hypervisor.Feature.SHARED_FS_9P);
        return f;
    }

    @Override
    public List<HostCheck> check() {
        List<HostCheck> out = new ArrayList<>();
        out.add(Files.isExecutable(RootfsImages.QEMU_IMG) ? HostCheck.ok("qemu-img", RootfsImages.QEMU_IMG + " (block rootfs overlays)")
                : HostCheck.warn("qemu-img", "missing: the block rootfs needs it").withFix("apt-get install qemu-utils"));
        out.add(Files.isExecutable(RootfsImages.MKFS) ? HostCheck.ok("mkfs.ext4", RootfsImages.MKFS + " (images built from rootfs directories)")
                : HostCheck.warn("mkfs.ext4", "missing: building a block rootfs needs it").withFix("apt-get install e2fsprogs"));
        return out;
    }

    @Override
    public StoragePlan prepare(SandboxPlan plan, Path stateDir) {
        Path base;
        String format;
        String fstype = plan.annotations().getOrDefault(FSTYPE_ANNOTATION, "ext4");
        if (!fstype.matches("[a-z0-9]+")) throw new SpecException("annotations." + FSTYPE_ANNOTATION, "must be a filesystem type name");
        if (plan.vm().image() != null) {
            base = plan.vm().image();
            format = plan.vm().imageFormat() == null ? "raw" : plan.vm().imageFormat();
        } else {
            base = RootfsImages.forTree(plan.rootfs());
            format = "raw";
            fstype = "ext4";
        }
        Path overlay = stateDir.resolve(OVERLAY);
        RootfsImages.overlay(base, format, overlay);
        List<VmDevice> devices = new ArrayList<>();
        // the root disk first: it is the guest's /dev/vda
        devices.add(new VmDevice.Disk(overlay, false, "qcow2"));
        GuestMount root = new GuestMount(fstype, "/dev/vda", "/", List.of(), false, false, false);
        ShareLayout share = new ShareLayout(plan, stateDir, true);
        List<GuestMount> mounts = share.mounts();
        List<GuestMount> shares = List.of();
        if (!share.binds().isEmpty()) {
            devices.add(share.device());
            shares = List.of(share.guestShare("mmap", NinePWorkload.msize(plan)));
        }
        return new StoragePlan(root, mounts, devices, shares, share.binds(), share.files());
    }

    @Override
    public void release(Path stateDir) {
        try {
            Files.deleteIfExists(stateDir.resolve(OVERLAY));
        } catch (java.io.IOException e) {
            throw new CocoonException("cannot remove " + stateDir.resolve(OVERLAY) + ": " + e.getMessage());
        }
    }
}
