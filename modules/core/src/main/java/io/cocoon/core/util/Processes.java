package io.cocoon.core.util;

import io.cocoon.core.state.ProcStat;
import java.util.Optional;

/** Waiting for and killing host processes by pid, always with a deadline. */
public final class Processes {
    private Processes() {}

    /** Waits until {@code pid} (started at {@code start}) is gone; true if it went in time. */
    public static boolean waitGone(long pid, long start, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long sleep = 1;
        while (ProcStat.alive(pid, start)) {
            if (System.currentTimeMillis() > deadline) return false;
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep = Math.min(20, sleep * 2);
        }
        return true;
    }

    /** SIGKILLs {@code pid} if it is still the same process, then waits for it to go. */
    public static boolean kill(long pid, long start, long timeoutMs) {
        if (!ProcStat.alive(pid, start)) return true;
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(ProcessHandle::destroyForcibly);
        return waitGone(pid, start, timeoutMs);
    }

    /** SIGTERMs, waits up to {@code graceMs}, then SIGKILLs. */
    public static boolean terminate(long pid, long start, long graceMs) {
        if (!ProcStat.alive(pid, start)) return true;
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        if (waitGone(pid, start, graceMs)) return true;
        return kill(pid, start, 2000);
    }
}
