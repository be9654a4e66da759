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

    @Test
    void killTreeEndsWhatTheProcessSpawnedToo() throws Exception {
        // a shell that has started a grandchild and waits: a plain kill of the shell leaves it
        long s = start("/bin/sh", "-c", "sleep 300 & echo $!; wait");
        long grandchild = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine().strip());
        long gs = ProcStat.startTime(grandchild);
        assertTrue(gs > 0, "the grandchild runs");
        assertEquals(java.util.List.of(grandchild), Processes.descendants(child.pid()));
        assertTrue(Processes.killTree(child.pid(), s, 5000));
        assertFalse(ProcStat.alive(child.pid(), s));
        assertFalse(ProcStat.alive(grandchild, gs), "the grandchild went with it");
    }

    @Test
    void killTreeOfAGoneProcessDoesNothing() {
        assertTrue(Processes.killTree(Integer.MAX_VALUE, 0, 100));
    }

    @Test
    void signalsStopFreezesAProcess() throws Exception {
        long s = start("sleep", "30");
        assertTrue(Signals.stop(child.pid()), "kill(2) through the foreign-function API");
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + child.pid() + "/stat"));
        long deadline = System.currentTimeMillis() + 5000;
        while (!stat.substring(stat.lastIndexOf(')') + 2).startsWith("T") && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
            stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + child.pid() + "/stat"));
        }
        assertTrue(stat.substring(stat.lastIndexOf(')') + 2).startsWith("T"), "stopped: " + stat);
        assertTrue(Processes.kill(child.pid(), s, 5000), "SIGKILL ends a stopped process");
    }
}
