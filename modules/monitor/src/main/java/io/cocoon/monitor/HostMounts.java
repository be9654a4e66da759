package io.cocoon.monitor;

import io.cocoon.monitor.posix.Mounts;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostBind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tinylog.Logger;

/**
 * Makes the storage driver's host-side binds ({@link HostBind}) into the container's share
 * directory, before the hypervisor starts, in the monitor's own mount namespace.
 *
 * <p>Why a namespace of its own: the binds are then invisible to the host and to every other
 * mount namespace (podman's, containerd's), whatever the propagation of the state directory, and
 * they disappear with the last process of the namespace — the monitor and the hypervisor — even
 * after {@code kill -9}, with nothing for {@code delete} to undo. The monitor is started in one
 * ({@code unshare --mount --propagation private}, by create, or by the launcher for a foreground
 * {@code run}); a monitor that finds itself in its parent's mount namespace refuses, rather
 * than leave mounts on the host that a crash would strand.
 */
final class HostMounts {
    private HostMounts() {}

    static void apply(List<HostBind> binds) {
        if (binds.isEmpty()) return;
        if (!ownMountNamespace()) {
            throw new CocoonException("the monitor is not in a mount namespace of its own, so its share mounts would leak onto"
                    + " the host: start cocoon through its launcher (bin/cocoon), which puts it in one with unshare(1)");
        }
        long t0 = System.nanoTime();
        for (HostBind b : binds) {
            String src = b.source().toString(), dst = b.target().toString();
            try {
                if (!Files.exists(b.source())) throw new IOException("bind source " + src + " does not exist");
                Mounts.mount(src, dst, null, Mounts.MS_BIND | (b.recursive() ? Mounts.MS_REC : 0), null);
                if (b.readonly()) {
                    // a bind's read-only flag takes a remount of the bind itself (each submount of an
                    // rbind keeps its own flags, as with runc)
                    Mounts.mount(null, dst, null, Mounts.MS_BIND | Mounts.MS_REMOUNT | Mounts.MS_RDONLY, null);
                }
            } catch (IOException e) {
                throw new CocoonException("cannot share " + src + " with the VM: " + e.getMessage());
            }
        }
        Logger.info("{} host binds into the share in {} us", binds.size(), (System.nanoTime() - t0) / 1000);
    }

    /**
     * Undoes {@link #apply} once the hypervisor is gone, newest first and lazily (an rbind's
     * submounts go with it). Needed where this process outlives the VM in the same namespace —
     * a foreground {@code run} deletes the state directory itself — and harmless elsewhere.
     */
    static void release(List<HostBind> binds) {
        for (int i = binds.size() - 1; i >= 0; i--) {
            String dst = binds.get(i).target().toString();
            if (!Mounts.umount(dst, Mounts.MNT_DETACH)) Logger.debug("umount {}: not mounted", dst);
        }
    }

    /** Set by whoever put the monitor in its own mount namespace: the namespace it came from. */
    static final String PARENT_MNTNS = "COCOON_PARENT_MNTNS";

    /**
     * Whether this process's mount namespace differs from the one it was started from
     * ({@value #PARENT_MNTNS}, set by create and by the launcher), or else from PID 1's.
     */
    static boolean ownMountNamespace() {
        try {
            String self = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
            String parent = System.getenv(PARENT_MNTNS);
            if (parent == null || parent.isBlank()) parent = Files.readSymbolicLink(Path.of("/proc/1/ns/mnt")).toString();
            return !self.equals(parent.strip());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
