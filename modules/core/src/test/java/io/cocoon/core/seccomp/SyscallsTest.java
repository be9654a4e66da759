package io.cocoon.core.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyscallsTest {
    @ParameterizedTest
    @CsvSource({"read, 0", "write, 1", "open, 2", "close, 3", "mkdir, 83", "clone, 56", "execve, 59", "openat, 257",
            "personality, 135", "ptrace, 101", "kexec_load, 246", "clone3, 435", "exit_group, 231"})
    void x86_64Numbers(String name, int nr) {
        assertEquals(nr, Syscalls.x86_64(name));
    }

    @ParameterizedTest
    @CsvSource({"no_such_syscall", "READ", "''", "socketcall", "arm_fadvise64_64"})
    void unknownNamesAreMinusOne(String name) {
        assertEquals(-1, Syscalls.x86_64(name));
    }
}
