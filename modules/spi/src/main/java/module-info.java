/**
 * Cocoon's plugin SPI. Third-party hypervisor, network, storage and spec-section drivers
 * compile against this module alone: it has no dependencies beyond {@code java.base}.
 */
module io.cocoon.spi {
    exports io.cocoon.spi;
    exports io.cocoon.spi.oci;
    exports io.cocoon.spi.json;
}
