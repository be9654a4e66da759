package io.cocoon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At most N boots at once; the next waits for a slot, and gives up at its deadline in one line. */
class BootSlotsTest {
    @TempDir Path tmp;

    @Test
    void theThirdBootWaitsForAFreedSlot() throws Exception {
        Path dir = tmp.resolve("slots");
        BootSlots a = BootSlots.acquire(dir, tmp, 2, 1000);
        BootSlots b = BootSlots.acquire(dir, tmp, 2, 1000);
        assertNotNull(a);
        assertNotNull(b);
        long t0 = System.currentTimeMillis();
        CocoonException e = assertThrows(CocoonException.class, () -> BootSlots.acquire(dir, tmp, 2, 300));
        assertTrue(System.currentTimeMillis() - t0 >= 300, "it waited for its deadline");
        assertEquals("no boot slot within 300 ms: 2 VMs are booting on this host (COCOON_BOOT_SLOTS sets how many may)", e.getMessage());
        Thread release = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // released at once then
            }
            a.close();
        });
        BootSlots c = BootSlots.acquire(dir, tmp, 2, 5000);
        assertNotNull(c, "the freed slot is taken");
        release.join();
        b.close();
        c.close();
    }

    @Test
    void atLeastTwoSlots() {
        assertTrue(BootSlots.slots() >= 2);
    }
}
