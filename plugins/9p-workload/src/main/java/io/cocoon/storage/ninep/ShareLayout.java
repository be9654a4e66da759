package io.cocoon.storage.ninep;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.GuestFile;
import io.cocoon.spi.GuestMount;
import io.cocoon.spi.HostBind;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One shared directory per VM, as Kata's shared dir: every piece a container needs from the
 * host — its rootfs (for the 9p root) and each bind mount source, directories and single files
 * alike — is bind-mounted on the host into {@code <state>/shared/<id>/}, and that one directory
 * is the VM's only 9p device (tag {@value #TAG}). The agent mounts it once at
 * {@value #GUEST_ROOT} and bind-mounts the pieces at their destinations.
 *
 * <p>Why one device: QEMU's {@code microvm} has eight virtio-mmio transports, shared by the
 * agent channel, NICs and disks; a device per bind ran out at seven binds. Why host-side binds
 * rather than copying: the container sees the host's files live, as runc's binds do. {@code ro}
 * binds are read-only on the host side too, so the hypervisor cannot write through them.
 */
final class ShareLayout {
    static final String TAG = "cocoon";
    static final String GUEST_ROOT = "/cocoon-shares/" + TAG;
    /** The share directory inside a container's state directory. */
    static final String DIR = "shared";

    private final SandboxPlan plan;
    private final Path share;
    private final List<HostBind> binds = new ArrayList<>();
    private final List<GuestMount> mounts = new ArrayList<>();
    private final List<GuestFile> files = new ArrayList<>();
    private final boolean copyEngineFiles;
    private int n;

    /**
     * The files an engine generates for each container and binds in (podman, CRI): copied into
     * the guest instead of bound through the share when {@code copyEngineFiles}, so that a
     * block-rootfs VM with no other bind has no 9p export and can be checkpointed.
     */
    static final java.util.Set<String> ENGINE_FILES = java.util.Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf",
            "/run/.containerenv");
    /** A bigger file is not an engine's generated one: it stays a bind. */
    static final long COPY_LIMIT = 64 * 1024;

    ShareLayout(SandboxPlan plan, Path stateDir) {
        this(plan, stateDir, false);
    }

    ShareLayout(SandboxPlan plan, Path stateDir, boolean copyEngineFiles) {
        this.plan = plan;
        this.share = stateDir.resolve(DIR);
        this.copyEngineFiles = copyEngineFiles;
    }

    Path share() {
        return share;
    }

    /** The container's own directory in the share, host side and guest side. */
    private Path hostDir() {
        return share.resolve(plan.id());
    }

    private String guestDir() {
        return GUEST_ROOT + "/" + plan.id();
    }

    /**
     * Binds the rootfs into the share; returns the guest path to bind the root from. Writable on
     * the host side even for {@code root.readonly}, as runc's rootfs is: mount points are created
     * in it before the guest remounts it read-only.
     */
    String rootfs() {
        Path target = hostDir().resolve("rootfs");
        mkdirs(target);
        binds.add(new HostBind(plan.rootfs(), target, false, true));
        return guestDir() + "/rootfs";
    }

    /**
     * The spec's mounts in order: binds through the share (their options honoured on the guest
     * side: ro, nosuid, nodev, noexec, propagation; rbind vs bind on both sides), everything
     * else (tmpfs, proc, sysfs, devpts, mqueue, cgroup) passed through to the guest.
     */
    List<GuestMount> mounts() {
        for (Spec.Mount m : plan.mounts()) {
            if (!m.isBind()) {
                mounts.add(GuestMount.of(m));
                continue;
            }
            Path src = Path.of(m.source());
            boolean file = !Files.isDirectory(src);
            boolean ro = m.options().contains("ro");
            if (copyEngineFiles && !ro && copied(m, src)) continue;
            boolean recursive = m.options().contains("rbind");
            Path target = hostDir().resolve("m").resolve(Integer.toString(n++));
            if (file) touch(target);
            else mkdirs(target);
            binds.add(new HostBind(src, target, ro, recursive));
            List<String> opts = new ArrayList<>(List.of(recursive ? "rbind" : "bind"));
            opts.addAll(guestFlags(m.options()));
            mounts.add(new GuestMount("bind", guestDir() + "/m/" + target.getFileName(), m.destination(), opts, false, true, file));
        }
        return mounts;
    }

    /**
     * Whether {@code m} is carried without the share: an engine file (copied, {@link GuestFile}),
     * or the engine's {@code /dev/shm}, a host tmpfs private to the container, which becomes a
     * guest tmpfs of the same size (as Kata does): either way the container sees what it would
     * have at start, and nothing on the host is shared with it live.
     */
    private boolean copied(Spec.Mount m, Path src) {
        try {
            if (ENGINE_FILES.contains(m.destination()) && Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)
                    && Files.size(src) <= COPY_LIMIT) {
                int mode = 0;
                for (java.nio.file.attribute.PosixFilePermission p : Files.getPosixFilePermissions(src)) {
                    mode |= 0400 >> p.ordinal();
                }
                files.add(new GuestFile(m.destination(), mode, Files.readAllBytes(src)));
                return true;
            }
            java.nio.file.FileStore store = m.destination().equals("/dev/shm") && Files.isDirectory(src) ? Files.getFileStore(src) : null;
            if (store != null && store.type().equals("tmpfs")) {
                List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "noexec", "mode=1777"));
                opts.add("size=" + Math.max(4096, store.getTotalSpace()));
                mounts.add(new GuestMount("tmpfs", "shm", "/dev/shm", opts, false, true, false));
                return true;
            }
        } catch (IOException e) {
            throw new CocoonException("cannot read the bind source " + src + ": " + e.getMessage());
        }
        return false;
    }

    /** The copies {@link #mounts} made instead of binds. */
    List<GuestFile> files() {
        return files;
    }

    /** The share itself, mounted once by the agent; {@code cache} as 9p's cache= option. */
    GuestMount guestShare(String cache, int msize) {
        return new GuestMount("9p", TAG, GUEST_ROOT, List.of("trans=virtio", "version=9p2000.L", "msize=" + msize,
                "cache=" + cache), true, true, false);
    }

    VmDevice device() {
        return new VmDevice.Share(TAG, share, false);
    }

    List<HostBind> binds() {
        return binds;
    }

    /** Whether nothing in the share is written (then the guest may cache freely). */
    boolean allReadonly() {
        return plan.rootReadonly() && binds.stream().skip(1).allMatch(HostBind::readonly);
    }

    /** The bind options that make sense on the guest side of a share. */
    static List<String> guestFlags(List<String> options) {
        List<String> out = new ArrayList<>();
        for (String o : options) {
            switch (o) {
                case "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "private", "rprivate", "slave",
                     "rslave", "shared", "rshared", "unbindable", "runbindable", "relatime", "norelatime", "noatime",
                     "strictatime", "nodiratime" -> out.add(o);
                default -> { } // bind/rbind are set above; the rest do not apply to a bind
            }
        }
        return out;
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new CocoonException("cannot prepare the share directory " + p + ": " + e.getMessage());
        }
    }

    private static void touch(Path p) {
        try {
            Files.createDirectories(p.getParent());
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) Files.createFile(p);
        } catch (IOException e) {
            throw new CocoonException("cannot prepare the share directory " + p + ": " + e.getMessage());
        }
    }
}
