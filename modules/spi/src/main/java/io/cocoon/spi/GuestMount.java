package io.cocoon.spi;

import io.cocoon.spi.oci.Spec;
import java.util.List;

/**
 * One mount the agent performs inside the guest. {@code options} are the OCI/fstab words
 * ({@code ro}, {@code nosuid}, {@code rbind}, {@code mode=755}, {@code trans=virtio}); core turns
 * them into mount(2) flags and data.
 *
 * @param staging the destination is a guest path outside the container root (a share mount
 *     that binds then take from), mounted before the root is entered
 * @param mkdir create the destination if missing
 * @param sourceIsFile the bind source is a file, so the destination is created as a file
 */
public record GuestMount(String type, String source, String destination, List<String> options,
                         boolean staging, boolean mkdir, boolean sourceIsFile) {

    /** A spec mount that needs no host resource (proc, tmpfs, sysfs, ...), passed through. */
    public static GuestMount of(Spec.Mount m) {
        return new GuestMount(m.type() == null ? "none" : m.type(), m.source() == null ? "none" : m.source(),
                m.destination(), m.options(), false, true, false);
    }
}
