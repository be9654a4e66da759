/** Hypervisor driver for QEMU's {@code microvm} machine. Depends on the SPI only. */
module io.cocoon.hypervisor.qemu {
    requires io.cocoon.spi;

    provides io.cocoon.spi.Hypervisor with io.cocoon.hypervisor.qemu.QemuLite;
}
