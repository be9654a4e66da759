package io.cocoon.core.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process identity from {@code /proc/<pid>/stat}: a pid plus its start time (field 22) names
 * a process unambiguously, so a recycled pid is never mistaken for our monitor.
 */
public final class ProcStat {
    private ProcStat() {}

    /** Start time in clock ticks since boot, or -1 when the process does not exist. */
    public static long startTime(long pid) {
        String[] f = fields(pid);
        // f[0] is field 3 (state); starttime is field 22
        if (f == null || f.length < 20 || f[0].equals("Z") || f[0].equals("X")) return -1;
        return parse(f[19]);
    }

    /** The parent's pid (field 4), or -1 when the process does not exist. */
    public static long parent(long pid) {
        String[] f = fields(pid);
        return f == null || f.length < 2 ? -1 : parse(f[1]);
    }

    /**
     * The session id (field 6), or -1 when the process does not exist. It is 0 when the session's
     * leader is outside this pid namespace (CI's checker runs us so): never equal to a pid here.
     */
    public static long session(long pid) {
        String[] f = fields(pid);
        return f == null || f.length < 4 ? -1 : parse(f[3]);
    }

    private static long parse(String field) {
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The fields after the command name (which may hold spaces and parentheses), from field 3 on. */
    private static String[] fields(long pid) {
        if (pid <= 0) return null;
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code pid} is alive and is the same process that started at {@code start}. */
    public static boolean alive(long pid, long start) {
        long s = startTime(pid);
        return s >= 0 && (start <= 0 || s == start);
    }
}
