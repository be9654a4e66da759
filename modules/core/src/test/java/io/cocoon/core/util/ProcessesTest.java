package io.cocoon.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.core.state.ProcStat;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessesTest {
    private Process child;

    private long start(String... cmd) throws IOException {
        child = new ProcessBuilder(cmd).start();
        long s = ProcStat.startTime(child.pid());
        assertTrue(s > 0, "child start time");
        return s;
    }

    @AfterEach
    void reap() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void waitGoneReturnsOnceAShortLivedChildExits() throws IOException {
        long s = start("sleep", "0.2");
        long t0 = System.nanoTime();
        assertTrue(ProcStat.alive(child.pid(), s), "still running when the wait starts");
        assertTrue(Processes.waitGone(child.pid(), s, 5000));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 4000, "took " + ms + " ms");
        assertEquals(-1, ProcStat.startTime(child.pid()), "gone (or a zombie) once waitGone says so");
    }

    @Test
    void waitGoneTimesOutThenKillEndsIt() throws IOException {
        long s = start("sleep", "30");
        long t0 = System.nanoTime();
        assertFalse(Processes.waitGone(child.pid(), s, 100));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 3000);
        assertTrue(Processes.kill(child.pid(), s, 5000));
        assertFalse(ProcStat.alive(child.pid(), s));
    }

    @Test
    void terminateUsesSigtermFirst() throws IOException, InterruptedException {
        long s = start("sleep", "30");
        assertTrue(Processes.terminate(child.pid(), s, 5000));
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertTrue(child.exitValue() == 143 || child.exitValue() == 128 + 15, "exit " + child.exitValue());
    }

    @Test
    void terminateFallsBackToSigkill() throws IOException, InterruptedException {
        long s = start("/bin/sh", "-c", "trap '' TERM; exec sleep 30");
        // the shell must have set its trap (and exec'd) before the signal comes
        long deadline = System.currentTimeMillis() + 5000;
        while (!ProcessHandle.of(child.pid()).flatMap(h -> h.info().command()).orElse("").endsWith("sleep")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        assertTrue(Processes.terminate(child.pid(), s, 200));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 150);
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertTrue(child.exitValue() == 137, "exit " + child.exitValue());
    }

    @Test
    void aDifferentStartTimeMeansAnotherProcessSoNothingIsDone() throws IOException {
        long s = start("sleep", "30");
        assertTrue(Processes.waitGone(child.pid(), s + 1, 0));
        assertTrue(Processes.kill(child.pid(), s + 1, 1000));
        assertTrue(child.isAlive(), "a recycled pid is never killed");
        assertTrue(Processes.kill(-1, 0, 10));
        assertTrue(Processes.terminate(0, 0, 10));
    }
}
