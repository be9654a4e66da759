/**
 * The guest image: the initramfs writer (cpio newc + gzip, in Java, deterministic) and the
 * lookup of the guest kernel, initramfs and agent that the build produced. The agent's C
 * sources live in {@code agent/}, the kernel configuration in {@code kernel/}.
 */
module io.cocoon.guest {
    requires io.cocoon.core;

    exports io.cocoon.guest;
}
