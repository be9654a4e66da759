package io.cocoon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The RNG seed HELLO brings a template's clone: 32 fresh bytes from the host for every clone. */
class CloneSeedTest {
    @Test
    void everySeedIs32FreshBytes() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            byte[] s = Monitor.seed();
            assertEquals(32, s.length);
            assertFalse(Arrays.equals(s, new byte[32]), "an all-zero seed");
            seen.add(Arrays.toString(s));
        }
        assertEquals(20, seen.size(), "two clones would share their random state");
    }
}
