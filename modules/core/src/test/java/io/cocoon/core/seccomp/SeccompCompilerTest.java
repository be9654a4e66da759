package io.cocoon.core.seccomp;

import static io.cocoon.core.seccomp.SeccompCompiler.RET_ALLOW;
import static io.cocoon.core.seccomp.SeccompCompiler.RET_ERRNO;
import static io.cocoon.core.seccomp.SeccompCompiler.RET_KILL_PROCESS;
import static io.cocoon.core.seccomp.SeccompCompiler.RET_KILL_THREAD;
import static io.cocoon.core.seccomp.SeccompCompiler.RET_LOG;
import static io.cocoon.core.seccomp.SeccompCompiler.RET_TRACE;
import static io.cocoon.core.seccomp.SeccompCompiler.RET_TRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.SpecException;
import io.cocoon.spi.oci.Linux;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeccompCompilerTest {
    private static final int READ = 0, WRITE = 1, OPEN = 2, CLONE = 56, MKDIR = 83, PERSONALITY = 135, OPENAT = 257;
    private static final int ENOSYS = 38;

    private static Linux.Seccomp profile(String defaultAction, Integer defaultErrno, Linux.SyscallRule... rules) {
        return new Linux.Seccomp(defaultAction, defaultErrno, List.of("SCMP_ARCH_X86_64"), List.of(), null, null, List.of(rules));
    }

    private static Linux.SyscallRule rule(String action, String... names) {
        return new Linux.SyscallRule(List.of(names), action, null, List.of());
    }

    private static Linux.SyscallRule argRule(String action, String name, Linux.SyscallArg... args) {
        return new Linux.SyscallRule(List.of(name), action, null, List.of(args));
    }

    private static byte[] compile(Linux.Seccomp s) {
        return SeccompCompiler.compile(s).filter();
    }

    @Test
    void programStartsWithTheArchitectureCheck() {
        List<Bpf.Insn> p = Bpf.decode(compile(profile("SCMP_ACT_ALLOW", null)));
        assertEquals(new Bpf.Insn(0x20, 0, 0, 4), p.get(0));
        assertEquals(new Bpf.Insn(0x15, 1, 0, Bpf.AUDIT_ARCH_X86_64), p.get(1));
        assertEquals(new Bpf.Insn(0x06, 0, 0, RET_KILL_PROCESS), p.get(2));
        Bpf.verify(p);
    }

    @ParameterizedTest
    @ValueSource(ints = {Bpf.AUDIT_ARCH_I386, Bpf.AUDIT_ARCH_AARCH64, 0})
    void wrongArchitectureKillsTheProcess(int arch) {
        byte[] f = compile(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ALLOW", "read")));
        assertEquals(RET_KILL_PROCESS, Bpf.runOnArch(f, READ, arch));
        assertEquals(RET_KILL_PROCESS, Bpf.runOnArch(f, MKDIR, arch));
    }

    @Test
    void listedSyscallsGetTheirActionOthersTheDefault() {
        byte[] f = compile(profile("SCMP_ACT_ERRNO", ENOSYS, rule("SCMP_ACT_ALLOW", "read", "write", "openat"),
                rule("SCMP_ACT_KILL_PROCESS", "mkdir")));
        assertEquals(RET_ALLOW, Bpf.run(f, READ));
        assertEquals(RET_ALLOW, Bpf.run(f, WRITE));
        assertEquals(RET_ALLOW, Bpf.run(f, OPENAT));
        assertEquals(RET_KILL_PROCESS, Bpf.run(f, MKDIR));
        assertEquals(RET_ERRNO | ENOSYS, Bpf.run(f, OPEN));
        assertEquals(RET_ERRNO | ENOSYS, Bpf.run(f, 5000));
    }

    @Test
    void errnoValues() {
        byte[] f = compile(profile("SCMP_ACT_ERRNO", null,
                new Linux.SyscallRule(List.of("mkdir"), "SCMP_ACT_ERRNO", 13, List.of()),
                rule("SCMP_ACT_ERRNO", "open"),
                new Linux.SyscallRule(List.of("read"), "SCMP_ACT_ALLOW", 99, List.of())));
        assertEquals(RET_ERRNO | 13, Bpf.run(f, MKDIR));
        assertEquals(RET_ERRNO | 1, Bpf.run(f, OPENAT), "default ERRNO without errnoRet is EPERM");
        assertEquals(RET_ERRNO | 1, Bpf.run(f, OPEN), "same as the default, so no block of its own");
        assertEquals(RET_ALLOW, Bpf.run(f, READ), "errnoRet does not change ALLOW");
    }

    @Test
    void everyActionHasItsReturnValue() {
        byte[] f = compile(profile("SCMP_ACT_LOG", null, rule("SCMP_ACT_KILL", "read"), rule("SCMP_ACT_KILL_THREAD", "write"),
                rule("SCMP_ACT_KILL_PROCESS", "open"), rule("SCMP_ACT_TRAP", "mkdir"),
                new Linux.SyscallRule(List.of("openat"), "SCMP_ACT_TRACE", 7, List.of()), rule("SCMP_ACT_ALLOW", "clone")));
        assertEquals(RET_KILL_THREAD, Bpf.run(f, READ));
        assertEquals(0, RET_KILL_THREAD);
        assertEquals(RET_KILL_THREAD, Bpf.run(f, WRITE));
        assertEquals(0x80000000, Bpf.run(f, OPEN));
        assertEquals(0x00030000, Bpf.run(f, MKDIR));
        assertEquals(RET_TRACE | 7, Bpf.run(f, OPENAT));
        assertEquals(0x7fff0000, Bpf.run(f, CLONE));
        assertEquals(0x7ffc0000, Bpf.run(f, PERSONALITY));
        assertEquals(RET_TRAP, 0x00030000);
        assertEquals(RET_LOG, 0x7ffc0000);
    }

    @Test
    void x32CallsAreKilledLikeAnyForeignArchitecture() {
        byte[] f = compile(profile("SCMP_ACT_ERRNO", null, rule("SCMP_ACT_ALLOW", "read")));
        assertEquals(RET_ALLOW, Bpf.run(f, READ));
        assertEquals(RET_KILL_PROCESS, Bpf.run(f, 0x40000000 | READ));
        // and a deny-list profile cannot be bypassed through x32 numbers
        byte[] deny = compile(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ERRNO", "mkdir")));
        assertEquals(RET_KILL_PROCESS, Bpf.run(deny, 0x40000000 | 83));
    }

    @Test
    void aRuleTooLargeForAJumpIsRefused() {
        List<Linux.SyscallArg> args = new java.util.ArrayList<>();
        for (int i = 0; i < 51; i++) args.add(new Linux.SyscallArg(0, 0, 0, "SCMP_CMP_GT"));
        org.junit.jupiter.api.Assertions.assertThrows(io.cocoon.spi.SpecException.class, () -> SeccompCompiler.compile(
                new Linux.Seccomp("SCMP_ACT_ALLOW", null, List.of(), List.of(), null, null,
                        List.of(new Linux.SyscallRule(List.of("mkdir"), "SCMP_ACT_ERRNO", null, args)))));
    }

    /** Values around word boundaries, where a 32-bit-at-a-time comparison can go wrong. */
    private static final long[] VALUES = {0, 1, 2, 5, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFEL, 0xFFFFFFFFL, 0x1_0000_0000L,
            0x1_0000_0001L, 0x1_0000_0005L, 0x1_FFFF_FFFFL, 0x2_0000_0000L, 0x2_0000_0004L, 0x7FFF_FFFF_FFFF_FFFFL,
            0x8000_0000_0000_0000L, 0xFFFF_FFFF_0000_0000L, -2L, -1L};

    private static boolean expected(String op, long arg, long value, long valueTwo) {
        int c = Long.compareUnsigned(arg, value);
        return switch (op) {
            case "SCMP_CMP_EQ" -> c == 0;
            case "SCMP_CMP_NE" -> c != 0;
            case "SCMP_CMP_GT" -> c > 0;
            case "SCMP_CMP_GE" -> c >= 0;
            case "SCMP_CMP_LT" -> c < 0;
            case "SCMP_CMP_LE" -> c <= 0;
            case "SCMP_CMP_MASKED_EQ" -> (arg & value) == valueTwo;
            default -> throw new IllegalArgumentException(op);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_LT", "SCMP_CMP_LE"})
    void argumentComparisonsAreUnsigned64Bit(String op) {
        for (long value : VALUES) {
            for (int index : new int[] {0, 3, 5}) {
                byte[] f = compile(profile("SCMP_ACT_ALLOW", null,
                        argRule("SCMP_ACT_ERRNO", "write", new Linux.SyscallArg(index, value, 0, op))));
                for (long arg : VALUES) {
                    long[] args = new long[6];
                    java.util.Arrays.fill(args, value ^ 0x5555_5555_5555_5555L); // other arguments must not matter
                    args[index] = arg;
                    int want = expected(op, arg, value, 0) ? RET_ERRNO | 1 : RET_ALLOW;
                    assertEquals(want, Bpf.run(f, WRITE, args),
                            () -> op + " arg" + index + "=0x" + Long.toHexString(arg) + " value=0x" + Long.toHexString(value));
                    assertEquals(RET_ALLOW, Bpf.run(f, READ, args), "other syscalls are unaffected");
                }
            }
        }
    }

    @Test
    void maskedEqualityUsesValueAsMaskAndValueTwoAsDatum() {
        long[][] cases = {{0xFFL, 0x12L}, {0xFF_0000_00FFL, 0x12_0000_0034L}, {0x7E020000L, 0}, {-1L, -1L}, {0xF0L, 0x0FL}};
        for (long[] c : cases) {
            byte[] f = compile(profile("SCMP_ACT_ALLOW", null,
                    argRule("SCMP_ACT_ERRNO", "clone", new Linux.SyscallArg(1, c[0], c[1], "SCMP_CMP_MASKED_EQ"))));
            for (long arg : VALUES) {
                for (long probe : new long[] {arg, arg | c[1], (arg & ~c[0]) | c[1]}) {
                    int want = expected("SCMP_CMP_MASKED_EQ", probe, c[0], c[1]) ? RET_ERRNO | 1 : RET_ALLOW;
                    assertEquals(want, Bpf.run(f, CLONE, 0, probe),
                            () -> "mask 0x" + Long.toHexString(c[0]) + " datum 0x" + Long.toHexString(c[1]) + " arg 0x" + Long.toHexString(probe));
                }
            }
        }
    }

    @Test
    void allArgumentsOfARuleMustMatchAndLaterRulesStillWork() {
        byte[] f = compile(profile("SCMP_ACT_KILL_PROCESS", null,
                argRule("SCMP_ACT_ERRNO", "write", new Linux.SyscallArg(0, 2, 0, "SCMP_CMP_EQ"),
                        new Linux.SyscallArg(2, 0x1_0000_0000L, 0, "SCMP_CMP_GE")),
                argRule("SCMP_ACT_TRAP", "read", new Linux.SyscallArg(0, 0, 0, "SCMP_CMP_NE")),
                rule("SCMP_ACT_ALLOW", "write", "read")));
        assertEquals(RET_ERRNO | 1, Bpf.run(f, WRITE, 2, 0, 0x1_0000_0000L));
        assertEquals(RET_ALLOW, Bpf.run(f, WRITE, 2, 0, 0xFFFF_FFFFL), "second argument fails: next rule");
        assertEquals(RET_ALLOW, Bpf.run(f, WRITE, 1, 0, 0x1_0000_0000L), "first argument fails: next rule");
        assertEquals(RET_TRAP, Bpf.run(f, READ, 3));
        assertEquals(RET_ALLOW, Bpf.run(f, READ, 0));
        assertEquals(RET_KILL_PROCESS, Bpf.run(f, MKDIR, 2, 0, 0x1_0000_0000L));
    }

    @Test
    void unknownSyscallNamesAreIgnored() {
        byte[] f = compile(profile("SCMP_ACT_ERRNO", null, rule("SCMP_ACT_ALLOW", "no_such_call", "read", "arm_sync_file_range"),
                rule("SCMP_ACT_ALLOW", "socketcall")));
        assertEquals(RET_ALLOW, Bpf.run(f, READ));
        assertEquals(RET_ERRNO | 1, Bpf.run(f, WRITE));
    }

    @Test
    void rulesWithTheDefaultActionCostNothing() {
        int base = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null)).instructions();
        assertEquals(7, base);
        assertEquals(base, SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_ALLOW", "read", "write"))).instructions());
        assertEquals(base + 2, SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_LOG", "read"))).instructions());
    }

    @Test
    void flagsAreMapped() {
        Linux.Seccomp s = new Linux.Seccomp("SCMP_ACT_ALLOW", null, List.of(), List.of("SECCOMP_FILTER_FLAG_TSYNC",
                "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), null, null, List.of());
        assertEquals(7, SeccompCompiler.compile(s).flags());
    }

    private static SpecException refused(Linux.Seccomp s) {
        return assertThrows(SpecException.class, () -> SeccompCompiler.compile(s));
    }

    @Test
    void badProfilesAreRefusedWithAPath() {
        assertEquals("linux.seccomp.syscalls[1].action: unknown action SCMP_ACT_BOGUS", refused(profile("SCMP_ACT_ALLOW", null,
                rule("SCMP_ACT_ERRNO", "read"), rule("SCMP_ACT_BOGUS", "write"))).getMessage());
        assertEquals("linux.seccomp.defaultAction: unknown action ALLOW", refused(profile("ALLOW", null)).getMessage());
        assertEquals("linux.seccomp.syscalls[0].args[1].op: unknown operator SCMP_CMP_SOMETIMES", refused(profile("SCMP_ACT_ALLOW",
                null, argRule("SCMP_ACT_ERRNO", "read", new Linux.SyscallArg(0, 1, 0, "SCMP_CMP_EQ"),
                        new Linux.SyscallArg(1, 1, 0, "SCMP_CMP_SOMETIMES")))).getMessage());
        assertEquals("linux.seccomp.flags[0]: unknown flag SECCOMP_FILTER_FLAG_NEW", refused(new Linux.Seccomp("SCMP_ACT_ALLOW",
                null, List.of(), List.of("SECCOMP_FILTER_FLAG_NEW"), null, null, List.of())).getMessage());
        assertEquals("linux.seccomp.architectures[1]: unknown architecture x86_64", refused(new Linux.Seccomp("SCMP_ACT_ALLOW",
                null, List.of("SCMP_ARCH_X86_64", "x86_64"), List.of(), null, null, List.of())).getMessage());
    }

    @Test
    void userNotificationIsRefused() {
        assertEquals("linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported",
                refused(profile("SCMP_ACT_ALLOW", null, rule("SCMP_ACT_NOTIFY", "mkdir"))).getMessage());
        assertEquals("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported",
                refused(profile("SCMP_ACT_NOTIFY", null)).getMessage());
        assertEquals("linux.seccomp.listenerPath: seccomp user notification is not supported", refused(new Linux.Seccomp(
                "SCMP_ACT_ALLOW", null, List.of(), List.of(), "/run/notify.sock", null, List.of())).getMessage());
    }

    private static List<String> tableNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Syscalls.class.getResourceAsStream("syscalls-x86_64.txt"), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) names.add(line.trim().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** The shape of Docker's and podman's default profile: an allow list of ~300 names, ERRNO otherwise. */
    @Test
    void dockerDefaultProfileShapeCompilesSmallAndBehaves() throws IOException {
        Set<String> denied = Set.of("kexec_load", "kexec_file_load", "reboot", "mount", "umount2", "init_module",
                "finit_module", "delete_module", "swapon", "swapoff", "pivot_root", "acct", "add_key", "bpf", "clock_settime",
                "ptrace", "personality", "clone", "open_by_handle_at", "setns", "unshare", "userfaultfd", "iopl", "ioperm",
                "lookup_dcookie", "perf_event_open", "quotactl", "settimeofday", "stime", "sysfs", "_sysctl", "uselib",
                "ustat", "vm86", "vm86old", "nfsservctl", "get_kernel_syms", "query_module", "create_module", "afs_syscall",
                "tuxcall", "security", "putpmsg", "getpmsg", "vserver", "kcmp", "move_mount", "fsopen", "fsmount", "fspick",
                "open_tree", "name_to_handle_at", "keyctl", "request_key", "syslog", "mbind", "set_mempolicy", "migrate_pages",
                "move_pages", "lsm_set_self_attr");
        List<String> allow = new ArrayList<>(tableNames().stream().filter(n -> !denied.contains(n)).toList());
        allow.addAll(List.of("arm_fadvise64_64", "socketcall", "waitpid", "_llseek", "sigreturn")); // not on x86_64
        assertTrue(allow.size() >= 300, "profile has " + allow.size() + " names");
        List<Linux.SyscallRule> rules = new ArrayList<>();
        rules.add(new Linux.SyscallRule(allow, "SCMP_ACT_ALLOW", null, List.of()));
        for (long persona : new long[] {0, 8, 0x20000, 0x20008, 0xFFFFFFFFL}) {
            rules.add(argRule("SCMP_ACT_ALLOW", "personality", new Linux.SyscallArg(0, persona, 0, "SCMP_CMP_EQ")));
        }
        rules.add(argRule("SCMP_ACT_ALLOW", "clone", new Linux.SyscallArg(0, 2114060288L, 0, "SCMP_CMP_MASKED_EQ")));
        rules.add(new Linux.SyscallRule(List.of("ptrace"), "SCMP_ACT_ERRNO", 1, List.of()));
        Linux.Seccomp s = new Linux.Seccomp("SCMP_ACT_ERRNO", 1, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                List.of(), null, null, rules);
        SeccompCompiler.Program prog = SeccompCompiler.compile(s);
        assertTrue(prog.instructions() < 4096, prog.instructions() + " instructions");
        assertTrue(prog.instructions() < 1000, "the javadoc promises under 1,000: " + prog.instructions());
        byte[] f = prog.filter();
        assertEquals(RET_ALLOW, Bpf.run(f, READ));
        assertEquals(RET_ALLOW, Bpf.run(f, OPENAT));
        assertEquals(RET_ALLOW, Bpf.run(f, 231)); // exit_group, near the end of the list
        assertEquals(RET_ERRNO | 1, Bpf.run(f, 246)); // kexec_load
        assertEquals(RET_ERRNO | 1, Bpf.run(f, 101)); // ptrace
        assertEquals(RET_ALLOW, Bpf.run(f, CLONE, 17)); // SIGCHLD: a plain fork
        assertEquals(RET_ERRNO | 1, Bpf.run(f, CLONE, 0x10000000L | 17)); // CLONE_NEWUSER
        assertEquals(RET_ALLOW, Bpf.run(f, PERSONALITY, 8));
        assertEquals(RET_ALLOW, Bpf.run(f, PERSONALITY, 0xFFFFFFFFL));
        assertEquals(RET_ERRNO | 1, Bpf.run(f, PERSONALITY, 0x1_FFFF_FFFFL));
        assertEquals(RET_ERRNO | 1, Bpf.run(f, PERSONALITY, 1));
        assertEquals(RET_KILL_PROCESS, Bpf.runOnArch(f, READ, Bpf.AUDIT_ARCH_I386));
    }

    @Test
    void profilesOverTheKernelLimitAreRefused() throws IOException {
        List<Linux.SyscallRule> rules = new ArrayList<>();
        for (String name : tableNames()) {
            rules.add(argRule("SCMP_ACT_ERRNO", name, new Linux.SyscallArg(0, 1, 0, "SCMP_CMP_EQ"),
                    new Linux.SyscallArg(1, 2, 0, "SCMP_CMP_EQ"), new Linux.SyscallArg(2, 3, 0, "SCMP_CMP_EQ")));
        }
        SpecException e = refused(profile("SCMP_ACT_ALLOW", null, rules.toArray(Linux.SyscallRule[]::new)));
        assertEquals("linux.seccomp", e.path());
        assertTrue(e.getMessage().matches("linux\\.seccomp: profile compiles to \\d+ instructions \\(limit 4096\\)"), e.getMessage());
    }
}
