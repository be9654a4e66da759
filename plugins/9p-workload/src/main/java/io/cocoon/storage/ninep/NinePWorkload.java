package io.cocoon.storage.ninep;

import io.cocoon.spi.GuestMount;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.StorageProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * Shares the rootfs and every bind mount with the guest through one virtio-9p device: the
 * pieces are bind-mounted on the host into the container's share directory
 * ({@link ShareLayout}), the agent mounts the share once and binds the pieces at their
 * destinations. The OCI bind options are honoured on the guest mount ({@code ro}, {@code rbind}
 * vs {@code bind}, {@code nosuid}, {@code nodev}, {@code noexec}, propagation) and {@code ro} on
 * the host side too.
 */
public final class NinePWorkload implements StorageProvider {
    public static final String NAME = "9p-workload";
    /** 9p message size: 512 KiB measured best here (docs/performance.md). */
    public static final int MSIZE = 524288;

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "rootfs and bind mounts through one virtio-9p share (msize " + MSIZE / 1024 + " KiB)";
    }

    @Override
    public boolean supports(SandboxPlan plan) {
        return plan.vm().image() == null;
    }

    /** Annotation choosing the rootfs cache mode (loose, mmap, none). */
    public static final String CACHE_ANNOTATION = "io.cocoon.plugin.9p.cache";

    /** Annotation overriding the 9p message size (bytes), for bench/ninep. */
    public static final String MSIZE_ANNOTATION = "io.cocoon.plugin.9p.msize";

    @Override
    public java.util.Set<io.cocoon.spi.Hypervisor.Feature> requires(SandboxPlan plan) {
        return java.util.Set.of(io.cocoon.spi.Hypervisor.Feature.SHARED_FS_9P);
    }

    @Override
    public StoragePlan prepare(SandboxPlan plan, Path stateDir) {
        int msize = msize(plan);
        ShareLayout share = new ShareLayout(plan, stateDir);
        String root = share.rootfs();
        List<GuestMount> mounts = share.mounts();
        GuestMount rootMount = new GuestMount("bind", root, "/", List.of("rbind"), false, false, false);
        return new StoragePlan(rootMount, mounts, List.of(share.device()),
                List.of(share.guestShare(cache(plan, share), msize)), share.binds());
    }

    static int msize(SandboxPlan plan) {
        String ms = plan.annotations().get(MSIZE_ANNOTATION);
        if (ms == null) return MSIZE;
        int msize;
        try {
            msize = Integer.parseInt(ms.trim());
        } catch (NumberFormatException e) {
            throw new io.cocoon.spi.SpecException("annotations." + MSIZE_ANNOTATION, "must be a number of bytes");
        }
        if (msize < 8192 || msize > 4 << 20) {
            throw new io.cocoon.spi.SpecException("annotations." + MSIZE_ANNOTATION, "must be between 8192 and 4194304");
        }
        return msize;
    }

    /**
     * The share's cache mode. {@code mmap} keeps the guest coherent with the host and writes
     * synchronous; when nothing in the share is writable (a read-only root and only read-only
     * binds) there are no writes to lose and, in practice, no host-side changes to see, so it
     * gets {@code loose}, which caches lookups and pages in the guest: under TCG that takes ~45 ms
     * off creating a container and running its first program (docs/performance.md). Never for
     * a pod's sandbox, whose share its members write through.
     */
    static String cache(SandboxPlan plan, ShareLayout share) {
        String a = plan.annotations().get(CACHE_ANNOTATION);
        if (a != null) {
            if (!List.of("loose", "mmap", "none").contains(a)) {
                throw new io.cocoon.spi.SpecException("annotations." + CACHE_ANNOTATION, "must be loose, mmap or none");
            }
            return a;
        }
        return share.allReadonly() && !podSandbox(plan) ? "loose" : "mmap";
    }

    /**
     * A pod's sandbox (CRI's, or podman's infra, which carries CRI-O's annotation): its share
     * will also hold its members' rootfs and volumes, written by them and seen by the host.
     */
    static boolean podSandbox(SandboxPlan plan) {
        return "sandbox".equals(plan.annotations().get("io.kubernetes.cri.container-type"))
                || "sandbox".equals(plan.annotations().get("io.kubernetes.cri-o.ContainerType"));
    }

    @Override
    public void release(Path stateDir) {
        // The host binds live in the monitor's mount namespace and go with it; the share
        // directory itself goes with the state directory.
    }
}
