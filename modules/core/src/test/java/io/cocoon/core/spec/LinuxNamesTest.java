package io.cocoon.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class LinuxNamesTest {
    @ParameterizedTest
    @CsvSource({"9, 9", "1, 1", "64, 64", "KILL, 9", "SIGKILL, 9", "sigterm, 15", "term, 15", "SigHup, 1", "HUP, 1",
            "WINCH, 28", "SIGCHLD, 17", "SYS, 31", "IOT, 6", "POLL, 29", "RTMIN, 34", "RTMIN+1, 35", "SIGRTMIN+1, 35",
            "rtmin+30, 64", "RTMAX, 64", "RTMAX-1, 63", "SIGRTMAX-30, 34"})
    void parsesSignals(String text, int number) {
        assertEquals(number, LinuxNames.signal(text));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"0", "65", "-9", "99999999999", "FOO", "SIG", "SIGSIGKILL", "RTMIN+31", "RTMAX-31", "RTMIN+x",
            "RTMIN-1", "9x", " 9", "KILL "})
    void refusesNonSignals(String text) {
        assertEquals(-1, LinuxNames.signal(text));
    }

    @Test
    void capabilityMaskSetsTheRightBitsAndSkipsUnknownNames() {
        assertEquals(1L, LinuxNames.capabilityMask(List.of("CAP_CHOWN")));
        assertEquals((1L << 21) | 1L, LinuxNames.capabilityMask(List.of("CAP_SYS_ADMIN", "CAP_CHOWN", "CAP_FLY")));
        assertEquals(1L << 40, LinuxNames.capabilityMask(List.of("CAP_CHECKPOINT_RESTORE")));
        assertEquals(0L, LinuxNames.capabilityMask(List.of()));
        assertEquals(41, LinuxNames.CAPABILITIES.size());
        assertEquals((1L << 41) - 1, LinuxNames.capabilityMask(List.copyOf(LinuxNames.CAPABILITIES.keySet())));
    }

    @Test
    void rlimitNumbers() {
        assertEquals(7, LinuxNames.RLIMITS.get("RLIMIT_NOFILE"));
        assertEquals(6, LinuxNames.RLIMITS.get("RLIMIT_NPROC"));
        assertEquals(15, LinuxNames.RLIMITS.get("RLIMIT_RTTIME"));
        assertEquals(16, LinuxNames.RLIMITS.size());
    }
}
