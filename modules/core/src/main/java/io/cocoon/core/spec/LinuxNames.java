package io.cocoon.core.spec;

import java.util.List;
import java.util.Map;

/** Linux constant names used in config.json and their numbers (x86_64). */
public final class LinuxNames {
    private LinuxNames() {}

    /** Capability name to bit number, as in linux/capability.h (up to 6.1). */
    public static final Map<String, Integer> CAPABILITIES = Map.ofEntries(
            Map.entry("CAP_CHOWN", 0), Map.entry("CAP_DAC_OVERRIDE", 1), Map.entry("CAP_DAC_READ_SEARCH", 2),
            Map.entry("CAP_FOWNER", 3), Map.entry("CAP_FSETID", 4), Map.entry("CAP_KILL", 5),
            Map.entry("CAP_SETGID", 6), Map.entry("CAP_SETUID", 7), Map.entry("CAP_SETPCAP", 8),
            Map.entry("CAP_LINUX_IMMUTABLE", 9), Map.entry("CAP_NET_BIND_SERVICE", 10),
            Map.entry("CAP_NET_BROADCAST", 11), Map.entry("CAP_NET_ADMIN", 12), Map.entry("CAP_NET_RAW", 13),
            Map.entry("CAP_IPC_LOCK", 14), Map.entry("CAP_IPC_OWNER", 15), Map.entry("CAP_SYS_MODULE", 16),
            Map.entry("CAP_SYS_RAWIO", 17), Map.entry("CAP_SYS_CHROOT", 18), Map.entry("CAP_SYS_PTRACE", 19),
            Map.entry("CAP_SYS_PACCT", 20), Map.entry("CAP_SYS_ADMIN", 21), Map.entry("CAP_SYS_BOOT", 22),
            Map.entry("CAP_SYS_NICE", 23), Map.entry("CAP_SYS_RESOURCE", 24), Map.entry("CAP_SYS_TIME", 25),
            Map.entry("CAP_SYS_TTY_CONFIG", 26), Map.entry("CAP_MKNOD", 27), Map.entry("CAP_LEASE", 28),
            Map.entry("CAP_AUDIT_WRITE", 29), Map.entry("CAP_AUDIT_CONTROL", 30), Map.entry("CAP_SETFCAP", 31),
            Map.entry("CAP_MAC_OVERRIDE", 32), Map.entry("CAP_MAC_ADMIN", 33), Map.entry("CAP_SYSLOG", 34),
            Map.entry("CAP_WAKE_ALARM", 35), Map.entry("CAP_BLOCK_SUSPEND", 36), Map.entry("CAP_AUDIT_READ", 37),
            Map.entry("CAP_PERFMON", 38), Map.entry("CAP_BPF", 39), Map.entry("CAP_CHECKPOINT_RESTORE", 40));

    /** rlimit name to resource number, as in asm-generic/resource.h. */
    public static final Map<String, Integer> RLIMITS = Map.ofEntries(
            Map.entry("RLIMIT_CPU", 0), Map.entry("RLIMIT_FSIZE", 1), Map.entry("RLIMIT_DATA", 2),
            Map.entry("RLIMIT_STACK", 3), Map.entry("RLIMIT_CORE", 4), Map.entry("RLIMIT_RSS", 5),
            Map.entry("RLIMIT_NPROC", 6), Map.entry("RLIMIT_NOFILE", 7), Map.entry("RLIMIT_MEMLOCK", 8),
            Map.entry("RLIMIT_AS", 9), Map.entry("RLIMIT_LOCKS", 10), Map.entry("RLIMIT_SIGPENDING", 11),
            Map.entry("RLIMIT_MSGQUEUE", 12), Map.entry("RLIMIT_NICE", 13), Map.entry("RLIMIT_RTPRIO", 14),
            Map.entry("RLIMIT_RTTIME", 15));

    /** Signal names (without SIG) to numbers, x86_64. */
    public static final List<String> SIGNALS = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    /**
     * Parses a signal as runc's {@code kill} does: a number, {@code TERM}, {@code SIGTERM},
     * or {@code RTMIN+n}. Returns -1 when it is not a signal.
     */
    public static int signal(String s) {
        if (s == null || s.isEmpty()) return -1;
        if (s.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(s);
                return n >= 1 && n <= 64 ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        String name = s.toUpperCase();
        if (name.startsWith("SIG")) name = name.substring(3);
        if (name.equals("IOT")) return 6;
        if (name.equals("POLL")) return 29;
        int i = SIGNALS.indexOf(name);
        if (i > 0) return i;
        try {
            if (name.equals("RTMIN")) return 34;
            if (name.equals("RTMAX")) return 64;
            if (name.startsWith("RTMIN+")) return check(34 + Integer.parseInt(name.substring(6)));
            if (name.startsWith("RTMAX-")) return check(64 - Integer.parseInt(name.substring(6)));
        } catch (NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static int check(int n) {
        return n >= 34 && n <= 64 ? n : -1;
    }

    /** Capability names to a bitmask; names not known are skipped (the caller warns). */
    public static long capabilityMask(List<String> names) {
        long mask = 0;
        for (String n : names) {
            Integer bit = CAPABILITIES.get(n);
            if (bit != null) mask |= 1L << bit;
        }
        return mask;
    }
}
