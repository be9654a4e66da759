package io.cocoon.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void currentProcessHasAStableStartTime() {
        long pid = ProcessHandle.current().pid();
        long start = ProcStat.startTime(pid);
        assertTrue(start > 0, "start " + start);
        assertEquals(start, ProcStat.startTime(pid));
        assertTrue(ProcStat.alive(pid, start));
        assertTrue(ProcStat.alive(pid, 0), "start 0 means any process with that pid");
        assertFalse(ProcStat.alive(pid, start + 1), "a different start time is a different process");
    }

    @Test
    void nonPositiveAndDeadPidsHaveNoStartTime() throws IOException, InterruptedException {
        assertEquals(-1, ProcStat.startTime(0));
        assertEquals(-1, ProcStat.startTime(-3));
        assertEquals(-1, ProcStat.startTime(Integer.MAX_VALUE + 10L));
        Process p = new ProcessBuilder("true").start();
        long pid = p.pid();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(-1, ProcStat.startTime(pid));
        assertFalse(ProcStat.alive(pid, 0));
    }

    @Test
    void childStartsAfterItsParent() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sleep", "10").start();
        try {
            long child = ProcStat.startTime(p.pid());
            assertTrue(child >= ProcStat.startTime(ProcessHandle.current().pid()), "child " + child);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void parentIsTheSpawningProcess() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sleep", "10").start();
        try {
            org.junit.jupiter.api.Assertions.assertEquals(ProcessHandle.current().pid(), ProcStat.parent(p.pid()));
            org.junit.jupiter.api.Assertions.assertEquals(-1, ProcStat.parent(Integer.MAX_VALUE), "no such process");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSessionLeadersSessionIsItsOwnPid() throws IOException, InterruptedException {
        long mine = ProcStat.session(ProcessHandle.current().pid());
        // 0 when our session's leader lives outside this pid namespace, as under CI's checker
        assertTrue(mine >= 0, "this process's session " + mine);
        // the child leads no process group, so setsid(1) calls setsid(2) itself and execs sleep in place
        Process p = new ProcessBuilder("setsid", "sleep", "10").start();
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (ProcStat.session(p.pid()) != p.pid() && System.currentTimeMillis() < deadline) Thread.sleep(5);
            assertEquals(p.pid(), ProcStat.session(p.pid()));
            assertTrue(mine != p.pid());
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(-1, ProcStat.session(Integer.MAX_VALUE), "no such process");
    }
}
