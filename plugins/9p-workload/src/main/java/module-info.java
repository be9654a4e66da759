/** Storage drivers: the shared directory over virtio-9p (9p-workload) and the block rootfs (block). SPI only. */
module io.cocoon.storage.ninep {
    requires io.cocoon.spi;

    provides io.cocoon.spi.StorageProvider with io.cocoon.storage.ninep.NinePWorkload, io.cocoon.storage.ninep.BlockRootfs;
}
