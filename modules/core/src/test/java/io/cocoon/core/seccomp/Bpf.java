package io.cocoon.core.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic-BPF interpreter for the subset seccomp filters use here, run against a synthetic
 * {@code struct seccomp_data} (nr, arch, instruction_pointer, args[6]; little endian, as on x86_64).
 */
final class Bpf {
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int AUDIT_ARCH_I386 = 0x40000003;
    static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;

    record Insn(int code, int jt, int jf, int k) {}

    private Bpf() {}

    /** Decodes {@code struct sock_filter[]} (u16 code, u8 jt, u8 jf, u32 k; little endian). */
    static List<Insn> decode(byte[] filter) {
        assertEquals(0, filter.length % 8, "filter length must be a multiple of 8");
        ByteBuffer b = ByteBuffer.wrap(filter).order(ByteOrder.LITTLE_ENDIAN);
        List<Insn> out = new ArrayList<>();
        while (b.hasRemaining()) {
            out.add(new Insn(b.getShort() & 0xFFFF, b.get() & 0xFF, b.get() & 0xFF, b.getInt()));
        }
        return out;
    }

    /** The checks the kernel's seccomp_check_filter/bpf_check_classic make that matter here. */
    static void verify(List<Insn> prog) {
        assertTrue(!prog.isEmpty() && prog.size() <= 4096, "program size " + prog.size());
        assertEquals(0x06, prog.get(prog.size() - 1).code(), "last instruction must be RET");
        for (int pc = 0; pc < prog.size(); pc++) {
            Insn i = prog.get(pc);
            switch (i.code()) {
                case 0x15, 0x25, 0x35, 0x45 -> {
                    assertTrue(pc + 1 + i.jt() < prog.size(), "jt out of range at " + pc);
                    assertTrue(pc + 1 + i.jf() < prog.size(), "jf out of range at " + pc);
                }
                case 0x05 -> assertTrue(pc + 1 + (long) i.k() < prog.size(), "ja out of range at " + pc);
                case 0x20 -> assertTrue(i.k() >= 0 && i.k() <= 60 && i.k() % 4 == 0, "bad load offset " + i.k());
                case 0x06, 0x54 -> { }
                default -> fail("unexpected opcode 0x" + Integer.toHexString(i.code()) + " at " + pc);
            }
        }
    }

    static byte[] data(int nr, int arch, long... args) {
        ByteBuffer d = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        d.putInt(0, nr).putInt(4, arch).putLong(8, 0x401000L);
        for (int i = 0; i < args.length; i++) d.putLong(16 + 8 * i, args[i]);
        return d.array();
    }

    /** Runs the filter for syscall {@code nr} on {@code arch} and returns the RET value. */
    static int runOnArch(byte[] filter, int nr, int arch, long... args) {
        List<Insn> prog = decode(filter);
        verify(prog);
        ByteBuffer d = ByteBuffer.wrap(data(nr, arch, args)).order(ByteOrder.LITTLE_ENDIAN);
        int a = 0;
        int pc = 0;
        for (int steps = 0; steps <= prog.size(); steps++) {
            Insn i = prog.get(pc);
            switch (i.code()) {
                case 0x20 -> { a = d.getInt(i.k()); pc++; }
                case 0x54 -> { a &= i.k(); pc++; }
                case 0x15 -> pc += 1 + (a == i.k() ? i.jt() : i.jf());
                case 0x25 -> pc += 1 + (Integer.compareUnsigned(a, i.k()) > 0 ? i.jt() : i.jf());
                case 0x35 -> pc += 1 + (Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf());
                case 0x45 -> pc += 1 + ((a & i.k()) != 0 ? i.jt() : i.jf());
                case 0x05 -> pc += 1 + i.k();
                case 0x06 -> { return i.k(); }
                default -> fail("unexpected opcode " + i.code());
            }
        }
        return fail("program did not return");
    }

    static int run(byte[] filter, int nr, long... args) {
        return runOnArch(filter, nr, AUDIT_ARCH_X86_64, args);
    }
}
