/** Network driver: CNI bridge networks wired to the VM through a tap. Depends on the SPI only. */
module io.cocoon.network.cni {
    requires io.cocoon.spi;

    provides io.cocoon.spi.NetworkProvider with io.cocoon.network.cni.CniBridge;
}
