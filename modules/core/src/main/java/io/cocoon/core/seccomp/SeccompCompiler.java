package io.cocoon.core.seccomp;

import io.cocoon.spi.SpecException;
import io.cocoon.spi.oci.Linux;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles an OCI seccomp profile into a classic BPF program for {@code seccomp(2)}, so that the
 * guest agent only has to install it (no libseccomp in the guest).
 *
 * <p>The program checks the architecture (anything but x86_64 is killed, as libseccomp does for
 * architectures outside the filter), then tests the rules in order, each as a short block that
 * falls through to the next block on mismatch, then returns the default action. Arguments are
 * compared as 64-bit values, high word first. Linear, but a 350-name profile is still under
 * 1,000 instructions.
 */
public final class SeccompCompiler {
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int X32_SYSCALL_BIT = 0x40000000;
    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_KILL_THREAD = 0x00000000;
    static final int RET_TRAP = 0x00030000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_TRACE = 0x7ff00000;
    static final int RET_LOG = 0x7ffc0000;
    static final int RET_ALLOW = 0x7fff0000;
    static final int EPERM = 1;
    private static final int MAX_INSNS = 4096;

    // classic BPF opcodes
    private static final short LD_W_ABS = 0x20;
    private static final short JMP_JEQ_K = 0x15;
    private static final short JMP_JGT_K = 0x25;
    private static final short JMP_JGE_K = 0x35;
    private static final short JMP_JSET_K = 0x45;
    private static final short JMP_JA = 0x05;
    private static final short RET_K = 0x06;
    private static final short ALU_AND_K = 0x54;

    /** A compiled program: the filter and the seccomp(2) flags. */
    public record Program(byte[] filter, int flags) {
        public int instructions() {
            return filter.length / 8;
        }
    }

    record Insn(short code, int jt, int jf, int k) {}

    private SeccompCompiler() {}

    public static Program compile(Linux.Seccomp s) {
        int defaultAction = action(s.defaultAction(), s.defaultErrnoRet(), "linux.seccomp.defaultAction");
        for (int i = 0; i < s.architectures().size(); i++) {
            String a = s.architectures().get(i);
            if (!a.startsWith("SCMP_ARCH_")) throw new SpecException("linux.seccomp.architectures[" + i + "]", "unknown architecture " + a);
        }
        if (s.listenerPath() != null && !s.listenerPath().isEmpty()) {
            throw new SpecException("linux.seccomp.listenerPath", "seccomp user notification is not supported");
        }
        int flags = 0;
        for (int i = 0; i < s.flags().size(); i++) {
            flags |= switch (s.flags().get(i)) {
                case "SECCOMP_FILTER_FLAG_TSYNC" -> 1;
                case "SECCOMP_FILTER_FLAG_LOG" -> 2;
                case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> 4;
                case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> 0;
                default -> throw new SpecException("linux.seccomp.flags[" + i + "]", "unknown flag " + s.flags().get(i));
            };
        }
        List<Insn> prog = new ArrayList<>();
        prog.add(new Insn(LD_W_ABS, 0, 0, 4));
        prog.add(new Insn(JMP_JEQ_K, 1, 0, AUDIT_ARCH_X86_64));
        prog.add(new Insn(RET_K, 0, 0, RET_KILL_PROCESS));
        prog.add(new Insn(LD_W_ABS, 0, 0, 0));
        // x32 calls share the x86_64 audit arch; they are outside the filter's architecture, so
        // they are killed (as libseccomp does) rather than given the default action
        prog.add(new Insn(JMP_JSET_K, 0, 1, X32_SYSCALL_BIT));
        prog.add(new Insn(RET_K, 0, 0, RET_KILL_PROCESS));
        for (int r = 0; r < s.syscalls().size(); r++) {
            Linux.SyscallRule rule = s.syscalls().get(r);
            String path = "linux.seccomp.syscalls[" + r + "]";
            int act = action(rule.action(), rule.errnoRet(), path + ".action");
            if (act == defaultAction && rule.args().isEmpty()) continue;
            for (String name : rule.names()) {
                int nr = Syscalls.x86_64(name);
                if (nr < 0) continue; // not on this ABI: ignored, as runc does
                prog.addAll(block(nr, rule.args(), act, path));
            }
        }
        prog.add(new Insn(RET_K, 0, 0, defaultAction));
        if (prog.size() > MAX_INSNS) {
            throw new SpecException("linux.seccomp", "profile compiles to " + prog.size() + " instructions (limit " + MAX_INSNS + ")");
        }
        return new Program(encode(prog), flags);
    }

    /** One rule for one syscall: on any mismatch jump past the block; else return the action. */
    private static List<Insn> block(int nr, List<Linux.SyscallArg> args, int action, String path) {
        List<Insn> body = new ArrayList<>();
        // Each check is emitted with jf = -1 meaning "to the end of the block", patched below.
        for (int i = 0; i < args.size(); i++) {
            Linux.SyscallArg a = args.get(i);
            String ap = path + ".args[" + i + "]";
            int lo = 16 + 8 * a.index();
            int hi = lo + 4;
            int vhi = (int) (a.value() >>> 32), vlo = (int) a.value();
            switch (a.op()) {
                case "SCMP_CMP_EQ" -> {
                    body.add(new Insn(LD_W_ABS, 0, 0, hi));
                    body.add(new Insn(JMP_JEQ_K, 0, -1, vhi));
                    body.add(new Insn(LD_W_ABS, 0, 0, lo));
                    body.add(new Insn(JMP_JEQ_K, 0, -1, vlo));
                }
                case "SCMP_CMP_NE" -> {
                    // mismatch only when both halves are equal
                    body.add(new Insn(LD_W_ABS, 0, 0, hi));
                    body.add(new Insn(JMP_JEQ_K, 0, 2, vhi));
                    body.add(new Insn(LD_W_ABS, 0, 0, lo));
                    body.add(new Insn(JMP_JEQ_K, -1, 0, vlo));
                }
                case "SCMP_CMP_MASKED_EQ" -> {
                    int mhi = vhi, mlo = vlo;
                    int chi = (int) (a.valueTwo() >>> 32), clo = (int) a.valueTwo();
                    body.add(new Insn(LD_W_ABS, 0, 0, hi));
                    body.add(new Insn(ALU_AND_K, 0, 0, mhi));
                    body.add(new Insn(JMP_JEQ_K, 0, -1, chi));
                    body.add(new Insn(LD_W_ABS, 0, 0, lo));
                    body.add(new Insn(ALU_AND_K, 0, 0, mlo));
                    body.add(new Insn(JMP_JEQ_K, 0, -1, clo));
                }
                case "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_LT", "SCMP_CMP_LE" -> body.addAll(ordered(a.op(), hi, lo, vhi, vlo));
                default -> throw new SpecException(ap + ".op", "unknown operator " + a.op());
            }
        }
        body.add(new Insn(RET_K, 0, 0, action));
        if (body.size() > 255) throw new SpecException(path, "rule has too many argument conditions to compile");
        List<Insn> out = new ArrayList<>();
        out.add(new Insn(JMP_JEQ_K, 0, body.size(), nr)); // A holds nr here
        int n = body.size();
        for (int i = 0; i < n; i++) {
            Insn in = body.get(i);
            int toEnd = n - i - 1;
            int jt = in.jt() == -1 ? toEnd : in.jt();
            int jf = in.jf() == -1 ? toEnd : in.jf();
            if (jt > 255 || jf > 255) throw new SpecException(path, "rule too large to compile");
            out.add(new Insn(in.code(), jt, jf, in.k()));
        }
        // Argument checks leave an argument in A: reload the number for the next block. Every
        // mismatch jump above lands exactly here (one past the return), as does the leading JEQ.
        if (!args.isEmpty()) out.add(new Insn(LD_W_ABS, 0, 0, 0));
        return out;
    }

    /** Unsigned 64-bit ordering checks: compare the high words, and the low words on a tie. */
    private static List<Insn> ordered(String op, int hi, int lo, int vhi, int vlo) {
        List<Insn> l = new ArrayList<>();
        boolean greater = op.equals("SCMP_CMP_GT") || op.equals("SCMP_CMP_GE");
        boolean orEqual = op.equals("SCMP_CMP_GE") || op.equals("SCMP_CMP_LE");
        l.add(new Insn(LD_W_ABS, 0, 0, hi));
        if (greater) {
            // hi > vhi: match (skip the low test); hi < vhi: mismatch; equal: test lo
            l.add(new Insn(JMP_JGT_K, 3, 0, vhi));
            l.add(new Insn(JMP_JEQ_K, 0, -1, vhi));
            l.add(new Insn(LD_W_ABS, 0, 0, lo));
            l.add(new Insn(orEqual ? JMP_JGE_K : JMP_JGT_K, 0, -1, vlo));
        } else {
            // hi < vhi: match; hi > vhi: mismatch; equal: lo < vlo (or <=)
            l.add(new Insn(JMP_JGE_K, 0, 3, vhi));
            l.add(new Insn(JMP_JEQ_K, 0, -1, vhi));
            l.add(new Insn(LD_W_ABS, 0, 0, lo));
            l.add(new Insn(orEqual ? JMP_JGT_K : JMP_JGE_K, -1, 0, vlo));
        }
        return l;
    }

    static int action(String name, Integer errno, String path) {
        return switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> RET_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> RET_TRAP;
            case "SCMP_ACT_ERRNO" -> RET_ERRNO | ((errno == null ? EPERM : errno) & 0xFFFF);
            case "SCMP_ACT_TRACE" -> RET_TRACE | ((errno == null ? EPERM : errno) & 0xFFFF);
            case "SCMP_ACT_LOG" -> RET_LOG;
            case "SCMP_ACT_ALLOW" -> RET_ALLOW;
            case "SCMP_ACT_NOTIFY" -> throw new SpecException(path, "SCMP_ACT_NOTIFY is not supported");
            default -> throw new SpecException(path, "unknown action " + name);
        };
    }

    /** struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } in little-endian (x86_64). */
    private static byte[] encode(List<Insn> prog) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(prog.size() * 8);
        for (Insn i : prog) {
            out.write(i.code() & 0xFF);
            out.write((i.code() >> 8) & 0xFF);
            out.write(i.jt());
            out.write(i.jf());
            out.write(i.k() & 0xFF);
            out.write((i.k() >> 8) & 0xFF);
            out.write((i.k() >> 16) & 0xFF);
            out.write((i.k() >>> 24) & 0xFF);
        }
        return out.toByteArray();
    }
}
