package io.cocoon.hypervisor.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Until the Xen issue, the driver is discoverable, checks the host, and refuses to boot in one line. */
class XenXlTest {
    @Test
    void refusesHonestly() {
        XenXl x = new XenXl();
        assertEquals("xen-xl", x.name());
        CocoonException e = assertThrows(CocoonException.class, () -> x.launch(null));
        assertTrue(e.getMessage().startsWith("xen-xl: "));
        x.cleanup(Path.of("/nonexistent"));
        List<HostCheck> c = x.check();
        assertEquals(1, c.size());
        assertEquals("xl", c.get(0).subject());
    }
}
