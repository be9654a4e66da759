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
        if (pid <= 0) return -1;
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = s.lastIndexOf(')');
            String[] f = s.substring(close + 2).split(" ");
            // f[0] is field 3 (state); starttime is field 22
            if (f[0].equals("Z") || f[0].equals("X")) return -1;
            return Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Whether {@code pid} is alive and is the same process that started at {@code start}. */
    public static boolean alive(long pid, long start) {
        long s = startTime(pid);
        return s >= 0 && (start <= 0 || s == start);
    }
}
