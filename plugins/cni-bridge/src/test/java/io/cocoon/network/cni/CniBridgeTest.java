package io.cocoon.network.cni;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.NetworkRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Selection by annotation; setup refuses in one line until the networking issue. */
class CniBridgeTest {
    @Test
    void selectedByAnnotationOnly() {
        CniBridge c = new CniBridge();
        assertFalse(c.supports(new NetworkRequest("x", Path.of("/tmp"), null, Map.of())));
        NetworkRequest r = new NetworkRequest("x", Path.of("/tmp"), null, Map.of("io.cocoon.network", "cni-bridge"));
        assertTrue(c.supports(r));
        assertThrows(CocoonException.class, () -> c.setup(r));
        c.teardown(r);
        assertFalse(c.check().isEmpty());
    }
}
