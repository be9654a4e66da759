package io.cocoon.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

class SpiVersionTest {
    /** The constant and the module version (from the pom) are one number, kept apart only by the build. */
    @Test
    void moduleVersionIsTheSpiVersion() {
        ModuleDescriptor d = SpiVersion.class.getModule().getDescriptor();
        if (d == null) return; // class path run: no descriptor to compare with
        assertEquals(SpiVersion.VERSION, d.rawVersion().orElse("none"));
    }
}
