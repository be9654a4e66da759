package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
    @Test
    void statusFollowsTheShellConvention() {
        assertEquals(0, ExitStatus.exited(0).status());
        assertEquals(42, ExitStatus.exited(42).status());
        assertEquals(137, ExitStatus.killed(9).status());
        assertEquals(143, ExitStatus.killed(15).status());
        assertEquals(128 + 64, ExitStatus.killed(64).status());
        assertEquals("killed by signal 9", ExitStatus.killed(9).toString());
        assertEquals("exited with code 1", ExitStatus.exited(1).toString());
    }
}
