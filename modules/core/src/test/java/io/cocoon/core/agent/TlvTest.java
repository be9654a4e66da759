package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlvTest {
    @Test
    void encodesTagLengthValueBigEndian() {
        assertArrayEquals(new byte[] {0x00, 0x05, 0, 0, 0, 4, 0x12, 0x34, 0x56, 0x78}, new Tlv.Writer().u32(5, 0x12345678).toBytes());
        assertArrayEquals(new byte[] {0x12, 0x34, 0, 0, 0, 2, 'h', 'i'}, new Tlv.Writer().str(0x1234, "hi").toBytes());
        assertArrayEquals(new byte[] {0x00, 0x08, 0, 0, 0, 0}, new Tlv.Writer().flag(8).toBytes());
    }

    @Test
    void roundTripsEveryKind() {
        byte[] p = new Tlv.Writer()
                .str(Proto.T_MESSAGE, "héllo")
                .u32(Proto.T_PID, 0xFFFFFFFFL)
                .u64(Proto.T_BOOT_MS, -1L)
                .u64(Proto.T_CPU_NS, 0x0123456789ABCDEFL)
                .flag(Proto.T_ALL)
                .flag(Proto.P_TERMINAL, false)
                .strs(Proto.P_ARG, List.of("sh", "-c", ""))
                .nested(Proto.T_PROC, new Tlv.Writer().u32(Proto.T_PID, 1).str(Proto.T_CMD, "init"))
                .nested(Proto.T_PROC, new Tlv.Writer().u32(Proto.T_PID, 2))
                .bytes(Proto.P_SECCOMP_BPF, new byte[] {0, 1, 2})
                .toBytes();
        Tlv.Fields f = Tlv.Fields.parse(p);
        assertEquals(Optional.of("héllo"), f.str(Proto.T_MESSAGE));
        assertEquals(Optional.of(0xFFFFFFFFL), f.u32(Proto.T_PID));
        assertEquals(Optional.of(-1L), f.u64(Proto.T_BOOT_MS));
        assertEquals(Optional.of(0x0123456789ABCDEFL), f.u64(Proto.T_CPU_NS));
        assertTrue(f.has(Proto.T_ALL));
        assertFalse(f.has(Proto.P_TERMINAL));
        assertEquals(List.of("sh", "-c", ""), f.strs(Proto.P_ARG));
        List<Tlv.Fields> procs = f.nested(Proto.T_PROC);
        assertEquals(2, procs.size());
        assertEquals(Optional.of("init"), procs.get(0).str(Proto.T_CMD));
        assertEquals(Optional.of(2L), procs.get(1).u32(Proto.T_PID));
        assertArrayEquals(new byte[] {0, 1, 2}, f.first(Proto.P_SECCOMP_BPF).orElseThrow());
        assertEquals(Optional.empty(), f.str(0x7777));
        assertEquals(List.of(), f.strs(0x7777));
        assertEquals(11, f.all().size());
        assertEquals(0, Tlv.Fields.parse(new byte[0]).all().size());
    }

    @Test
    void truncatedPayloadsAreRefused() {
        byte[] p = new Tlv.Writer().str(1, "abcdef").u32(2, 7).toBytes();
        for (int cut = 1; cut < p.length; cut++) {
            if (cut == 12) continue; // a whole first field
            byte[] part = Arrays.copyOf(p, cut);
            assertThrows(IllegalArgumentException.class, () -> Tlv.Fields.parse(part), "cut at " + cut);
        }
        byte[] huge = {0, 1, (byte) 0x80, 0, 0, 0, 1};
        assertThrows(IllegalArgumentException.class, () -> Tlv.Fields.parse(huge), "negative length");
    }

    @Test
    void wrongSizedNumbersAreRefused() {
        Tlv.Fields f = Tlv.Fields.parse(new Tlv.Writer().bytes(1, new byte[3]).bytes(2, new byte[4]).bytes(3, new byte[0]).toBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.u32(1));
        assertEquals("field 1 is not a u32", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.u64(2));
        assertThrows(IllegalArgumentException.class, () -> f.u32(3));
        assertEquals(Optional.of(0L), f.u32(2));
    }

    @Test
    void nulInAStringIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Tlv.Writer().str(1, "a\0b"));
    }

    @Test
    void firstReturnsTheFirstOfRepeatedTags() {
        Tlv.Fields f = Tlv.Fields.parse(new Tlv.Writer().u32(1, 10).u32(1, 20).toBytes());
        assertEquals(Optional.of(10L), f.u32(1));
        assertEquals(2, f.every(1).size());
    }
}
