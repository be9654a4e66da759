/** Hypervisor driver for Xen through {@code xl}. Depends on the SPI only. */
module io.cocoon.hypervisor.xen {
    requires io.cocoon.spi;

    provides io.cocoon.spi.Hypervisor with io.cocoon.hypervisor.xen.XenXl;
}
