package io.cocoon.spi;

/** The SPI version plugins are built against; {@code cocoon plugins} prints it. */
public final class SpiVersion {
    /** Bumped on incompatible SPI changes (major) and additions (minor). */
    public static final String VERSION = "1.0";

    private SpiVersion() {}
}
