/** Storage driver: rootfs and bind mounts over virtio-9p. Depends on the SPI only. */
module io.cocoon.storage.ninep {
    requires io.cocoon.spi;

    provides io.cocoon.spi.StorageProvider with io.cocoon.storage.ninep.NinePWorkload;
}
