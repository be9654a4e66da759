package io.cocoon.core.container;

import java.nio.file.Path;

/**
 * Finds the guest kernel and initramfs for a container. Implemented by the guest module (which
 * can build an initramfs for the host-kernel fallback); core only asks, so it does not depend on
 * the image builder.
 */
@FunctionalInterface
public interface GuestImages {
    /**
     * @param source where they came from, for the log ({@code bundle}, {@code image}, {@code host 6.1...})
     * @param acpi the kernel finds its virtio-mmio devices through ACPI (a distribution kernel)
     */
    record GuestImage(Path kernel, Path initrd, String source, boolean acpi) {}

    /**
     * @param kernel what the bundle or an annotation named, or null
     * @param initrd likewise
     * @param hostKernel boot the host's distribution kernel
     */
    GuestImage resolve(Path kernel, Path initrd, boolean hostKernel);
}
