package io.cocoon.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CgroupValuesTest {
    @Test
    void sharesToWeightAsRuncClamped() {
        assertEquals(1, CgroupValues.weight(2));
        assertEquals(1, CgroupValues.weight(0), "below the v1 minimum clamps to 2");
        assertEquals(39, CgroupValues.weight(1024));
        assertEquals(10000, CgroupValues.weight(262144));
        assertEquals(10000, CgroupValues.weight(1 << 30), "above the v1 maximum clamps");
    }

    @Test
    void cpuMaxLine() {
        assertEquals("50000 100000", CgroupValues.cpuMax(50000L, null));
        assertEquals("50000 20000", CgroupValues.cpuMax(50000L, 20000L));
        assertEquals("max 100000", CgroupValues.cpuMax(null, 0L));
        assertEquals("max 10000", CgroupValues.cpuMax(-1L, 10000L));
    }
}
