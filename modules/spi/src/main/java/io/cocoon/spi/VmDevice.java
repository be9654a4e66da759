package io.cocoon.spi;

import java.nio.file.Path;

/** A device a VM needs besides its agent channel and console. */
public sealed interface VmDevice {
    /** A host directory shared with the guest (9p), mounted there by {@code tag}. */
    record Share(String tag, Path hostPath, boolean readonly) implements VmDevice {}

    /** A tap device (already created and configured by a network driver). */
    record NetTap(String tap, String mac, int mtu) implements VmDevice {}

    /** A disk image or block device. */
    record Disk(Path path, boolean readonly, String format) implements VmDevice {}
}
