package io.cocoon.storage.ninep;

import io.cocoon.spi.GuestMount;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.StorageProvider;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares the rootfs and every bind mount with the guest over virtio-9p, as RunX does: each
 * directory bind is its own share (read-only at the QEMU level when the mount is {@code ro});
 * a file bind shares its parent directory once, mounted in a staging directory of the guest,
 * and the file is bind-mounted from there. The options {@code ro rw rbind noexec nosuid nodev}
 * are honoured on the guest mount.
 */
public final class NinePWorkload implements StorageProvider {
    public static final String NAME = "9p-workload";
    public static final String ROOT_TAG = "rootfs";
    /** 9p message size: 512 KiB measured best here (docs/performance.md). */
    public static final int MSIZE = 524288;
    static final String STAGING = "/run/cocoon/shares/";

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "rootfs and bind mounts as virtio-9p shares (msize " + MSIZE / 1024 + " KiB)";
    }

    @Override
    public boolean supports(SandboxPlan plan) {
        return plan.vm().image() == null;
    }

    /** Annotation choosing the rootfs cache mode (loose, mmap, none). */
    public static final String CACHE_ANNOTATION = "io.cocoon.plugin.9p.cache";

    /** Annotation overriding the 9p message size (bytes), for bench/ninep. */
    public static final String MSIZE_ANNOTATION = "io.cocoon.plugin.9p.msize";

    static List<String> ninep(List<String> extra, String cache, int msize) {
        List<String> o = new ArrayList<>(List.of("trans=virtio", "version=9p2000.L", "msize=" + msize, "cache=" + cache));
        o.addAll(extra);
        return o;
    }

    /**
     * The rootfs cache mode. {@code mmap} keeps the guest coherent with the host and writes
     * synchronous; a read-only root has no writes to lose and, in practice, no host-side changes to
     * see, so it gets {@code loose}, which caches lookups and pages in the guest: under TCG that
     * takes ~45 ms off creating a container and running its first program (docs/performance.md).
     */
    static String rootCache(SandboxPlan plan) {
        String a = plan.annotations().get(CACHE_ANNOTATION);
        if (a != null) {
            if (!List.of("loose", "mmap", "none").contains(a)) {
                throw new io.cocoon.spi.SpecException("annotations." + CACHE_ANNOTATION, "must be loose, mmap or none");
            }
            return a;
        }
        return plan.rootReadonly() ? "loose" : "mmap";
    }

    @Override
    public StoragePlan prepare(SandboxPlan plan, Path stateDir) {
        int msize = MSIZE;
        String ms = plan.annotations().get(MSIZE_ANNOTATION);
        if (ms != null) {
            try {
                msize = Integer.parseInt(ms.trim());
            } catch (NumberFormatException e) {
                throw new io.cocoon.spi.SpecException("annotations." + MSIZE_ANNOTATION, "must be a number of bytes");
            }
            if (msize < 8192 || msize > 4 << 20) {
                throw new io.cocoon.spi.SpecException("annotations." + MSIZE_ANNOTATION, "must be between 8192 and 4194304");
            }
        }
        List<VmDevice> devices = new ArrayList<>();
        devices.add(new VmDevice.Share(ROOT_TAG, plan.rootfs(), false));
        GuestMount root = new GuestMount("9p", ROOT_TAG, "/", ninep(List.of(), rootCache(plan), msize), false, false, false);
        List<GuestMount> staging = new ArrayList<>();
        List<GuestMount> mounts = new ArrayList<>();
        Map<String, String> parentShares = new LinkedHashMap<>();
        int n = 0;
        for (Spec.Mount m : plan.mounts()) {
            if (!m.isBind()) {
                mounts.add(GuestMount.of(m));
                continue;
            }
            Path src = Path.of(m.source());
            boolean ro = m.options().contains("ro");
            List<String> flags = guestFlags(m.options());
            if (Files.isDirectory(src)) {
                String tag = "b" + n++;
                devices.add(new VmDevice.Share(tag, src, ro));
                mounts.add(new GuestMount("9p", tag, m.destination(), ninep(flags, "mmap", msize), false, true, false));
            } else {
                Path parent = src.toAbsolutePath().getParent();
                String key = parent + (ro ? ":ro" : ":rw");
                String tag = parentShares.get(key);
                if (tag == null) {
                    tag = "f" + n++;
                    parentShares.put(key, tag);
                    devices.add(new VmDevice.Share(tag, parent, ro));
                    staging.add(new GuestMount("9p", tag, STAGING + tag, ninep(ro ? List.of("ro") : List.of(), "mmap", msize), true, true, false));
                }
                List<String> bind = new ArrayList<>(List.of("bind"));
                bind.addAll(flags);
                mounts.add(new GuestMount("bind", STAGING + tag + "/" + src.getFileName(), m.destination(), bind, false, true, true));
            }
        }
        List<GuestMount> all = new ArrayList<>(staging);
        all.addAll(mounts);
        return new StoragePlan(root, all, devices);
    }

    /** The bind options that make sense on the guest side of a share. */
    static List<String> guestFlags(List<String> options) {
        List<String> out = new ArrayList<>();
        for (String o : options) {
            switch (o) {
                case "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "private", "rprivate", "slave",
                     "rslave", "shared", "rshared" -> out.add(o);
                default -> { } // bind/rbind are implied by the share; others do not apply to 9p
            }
        }
        return out;
    }

    @Override
    public void release(Path stateDir) {
        // Shares live as long as the hypervisor process; nothing on the host to undo.
    }
}
