package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runc lifecycle through the CLI, as an engine drives it, with real VMs. */
@Timeout(180)
class LifecycleTest extends VmTest {

    @Test
    void runPrintsFromInsideTheVm() throws Exception {
        Bundle b = bundle("sh", "-c", "echo hello from $(uname -s) $(cat /proc/1/comm)");
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "r1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("hello from Linux sh\n", r.out());
        assertFalse(Files.exists(cocoon.root().resolve("r1")), "run deletes the container");
    }

    @Test
    void runPropagatesTheExitCode() throws Exception {
        Bundle b = bundle("sh", "-c", "exit 42");
        assertEquals(42, cocoon.runIn(b.dir(), "run", "r42").rc());
    }

    /** create → created → start → running → kill KILL → stopped (137), as seen by a subreaper. */
    @Test
    void fullLifecycleAndMonitorExitStatus() throws Exception {
        Bundle b = bundle("sleep", "1000");
        Path pidFile = tmp.resolve("init.pid");
        Reaper reaped = createUnderReaper(b, "c1", pidFile, 120);
        Process sub = reaped.process();
        var reader = reaped.lines();
        assertEquals("create=0", reader.readLine());
        String pidText = Files.readString(pidFile);
        assertTrue(pidText.matches("[0-9]+"), "bare decimal pid, no newline: [" + pidText + "]");
        assertEquals("pid=" + pidText, reader.readLine());
        Map<String, Object> st = state("c1");
        assertEquals("created", st.get("status"));
        assertEquals(Long.parseLong(pidText), st.get("pid"));
        assertEquals(b.dir().toString(), st.get("bundle"));
        // the image build trained the monitor's own AOT cache, and the launcher gives it to monitors
        Path monitorAot = Cocoon.image().resolve("lib/monitor.aot");
        assertTrue(Files.size(monitorAot) > 0, "the image has " + monitorAot);
        String monitorCmd = Files.readString(Path.of("/proc", pidText, "cmdline")).replace('\0', ' ');
        assertTrue(monitorCmd.contains("-XX:AOTCache=" + monitorAot + " "), monitorCmd);
        Cocoon.Result start = cocoon.run("start", "c1");
        assertEquals(0, start.rc(), start::toString);
        assertEquals("running", status("c1"));
        assertEquals("cannot start an already running container", cocoon.run("start", "c1").err().strip());
        Cocoon.Result del = cocoon.run("delete", "c1");
        assertTrue(del.err().contains("cannot delete container c1 that is not stopped: running"), del::toString);
        assertEquals(0, cocoon.run("kill", "c1", "KILL").rc());
        assertEquals("exit=137", reader.readLine(), "the monitor exits with the container's status");
        assertTrue(sub.waitFor(10, TimeUnit.SECONDS));
        assertEquals("stopped", awaitStatus("c1", "stopped", 5000));
        assertEquals(0L, state("c1").get("pid"));
        assertEquals("container not running", cocoon.run("kill", "c1", "9").err().strip());
        assertEquals(0, cocoon.run("delete", "c1").rc());
        assertEquals(1, cocoon.run("state", "c1").rc());
    }

    @Test
    void exitCode42IsTheMonitorsStatus() throws Exception {
        Bundle b = bundle("sh", "-c", "sleep 0.3; exit 42");
        var reader = createUnderReaper(b, "c42", tmp.resolve("p.pid"), 60).lines();
        assertEquals("create=0", reader.readLine());
        reader.readLine();
        assertEquals(0, cocoon.run("start", "c42").rc());
        assertEquals("exit=42", reader.readLine());
        assertEquals(0, cocoon.run("delete", "c42").rc());
    }

    /** As with runc: PID 1 of a pid namespace ignores a TERM it has no handler for. */
    @Test
    void termIsIgnoredByAnInitWithoutHandler() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "t1").rc());
        assertEquals(0, cocoon.run("start", "t1").rc());
        assertEquals(0, cocoon.run("kill", "t1", "TERM").rc());
        Thread.sleep(1500);
        assertEquals("running", status("t1"));
        assertEquals(0, cocoon.run("kill", "t1", "SIGKILL").rc());
        assertEquals("stopped", awaitStatus("t1", "stopped", 10_000));
        assertEquals(0, cocoon.run("delete", "t1").rc());
    }

    /**
     * A TERM the init traps ends it with the trap's code, the monitor's status. The kill waits
     * until the shell has set its trap (a file it makes after, in /dev/shm: the rootfs is read-only): a TERM before is ignored by PID 1.
     */
    @Test
    void trappedTermExitsWithItsCode() throws Exception {
        Bundle b = bundle("sh", "-c", "trap 'exit 3' TERM; touch /dev/shm/trapped; while true; do sleep 0.1; done");
        var reader = createUnderReaper(b, "t3", tmp.resolve("t3.pid"), 60).lines();
        assertEquals("create=0", reader.readLine());
        reader.readLine();
        assertEquals(0, cocoon.run("start", "t3").rc());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (cocoon.run("exec", "t3", "test", "-f", "/dev/shm/trapped").rc() != 0) {
            assertTrue(System.nanoTime() < deadline, "the shell set its trap within 20 s");
            Thread.sleep(100);
        }
        assertEquals(0, cocoon.run("kill", "t3", "15").rc());
        assertEquals("exit=3", reader.readLine(), "the trap's exit code is the monitor's status");
        assertEquals("stopped", awaitStatus("t3", "stopped", 10_000));
        assertEquals(0, cocoon.run("delete", "t3").rc());
    }

    @Test
    void execPsPauseResumeEvents() throws Exception {
        Bundle b = bundle("sleep", "1000");
        b.edit(c -> c.put("hostname", "cocoon-test"));
        Files.writeString(tmp.resolve("hostname"), "cocoon-test\n");
        b.edit(c -> Bundle.list(c, "mounts").add(Map.of("destination", "/etc/hostname", "type", "bind",
                "source", tmp.resolve("hostname").toString(), "options", List.of("rbind", "ro"))));
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "e1").rc());
        assertEquals(0, cocoon.run("start", "e1").rc());
        Cocoon.Result h = cocoon.run("exec", "e1", "cat", "/etc/hostname");
        assertEquals("cocoon-test\n", h.out(), h::toString);
        assertEquals("cocoon-test\n", cocoon.run("exec", "e1", "hostname").out());
        assertEquals(7, cocoon.run("exec", "e1", "sh", "-c", "exit 7").rc());
        Cocoon.Result ps = cocoon.run("ps", "--format", "json", "e1");
        assertEquals(0, ps.rc(), ps::toString);
        assertTrue(ps.out().strip().matches("\\[\\d+(,\\d+)*\\]"), ps.out());
        assertTrue(cocoon.run("ps", "e1").out().contains("sleep 1000"));
        assertEquals(0, cocoon.run("pause", "e1").rc());
        assertEquals("paused", status("e1"));
        assertEquals("cannot exec in a paused container", cocoon.run("exec", "e1", "true").err().strip());
        assertEquals(0, cocoon.run("resume", "e1").rc());
        assertEquals("running", status("e1"));
        Cocoon.Result ev = cocoon.run("events", "--stats", "e1");
        Map<String, Object> e = Json.parseObject(ev.out());
        assertEquals("stats", e.get("type"));
        assertEquals("e1", e.get("id"));
        Cocoon.Result stdin = Cocoon.exec(cocoon.command("exec", "e1", "cat"), null, "piped through\n", Duration.ofSeconds(60));
        assertEquals("piped through\n", stdin.out(), stdin::toString);
        assertEquals(0, cocoon.run("delete", "--force", "e1").rc());
    }

    @Test
    void execDetachedWritesTheRelayPid() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "d1").rc());
        assertEquals(0, cocoon.run("start", "d1").rc());
        Path pid = tmp.resolve("exec.pid");
        Path out = tmp.resolve("exec.out");
        List<String> cmd = cocoon.command("exec", "--detach", "--pid-file", pid.toString(), "d1", "sh", "-c", "sleep 1; echo detached");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> "exec --detach: " + readQuietly(out));
        long relay = Long.parseLong(Files.readString(pid));
        assertTrue(ProcessHandle.of(relay).isPresent(), "the relay stands for the process");
        ProcessHandle.of(relay).get().onExit().get(30, TimeUnit.SECONDS);
        assertEquals("detached\n", Files.readString(out));
        assertEquals(0, cocoon.run("delete", "--force", "d1").rc());
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void duplicateIdIsRefused() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "dup").rc());
        Cocoon.Result again = cocoon.run("create", "--bundle", b.dir().toString(), "dup");
        assertNotEquals(0, again.rc());
        assertEquals("container with id dup already exists", again.err().strip());
        assertEquals("created", status("dup"));
        assertEquals(0, cocoon.run("delete", "dup").rc(), "a created container is deleted without --force");
    }

    @Test
    void killedMonitorThenDeleteForceLeavesNothing() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "k9").rc());
        assertEquals(0, cocoon.run("start", "k9").rc());
        long monitor = (Long) state("k9").get("pid");
        Path stateDir = cocoon.root().resolve("k9");
        ProcessHandle.of(monitor).orElseThrow().destroyForcibly();
        ProcessHandle.of(monitor).ifPresent(h -> h.onExit().join());
        assertEquals("stopped", awaitStatus("k9", "stopped", 5000));
        assertEquals(0, cocoon.run("delete", "--force", "k9").rc());
        assertFalse(Files.exists(stateDir));
        Thread.sleep(200);
        assertEquals(List.of(), Cocoon.pidsMatching(stateDir.toString()), "no QEMU left");
        try (var s = Files.list(cocoon.root().resolve(".s"))) {
            assertEquals(List.of(), s.toList(), "no sockets left");
        }
    }

    @Test
    void listAndUpdateOnALiveContainer() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "u1").rc());
        assertEquals(0, cocoon.run("start", "u1").rc());
        Cocoon.Result list = cocoon.run("list", "--format", "json", "--all");
        java.util.List<?> all = (java.util.List<?>) io.cocoon.spi.json.Json.parse(list.out());
        assertEquals(1, all.size());
        Map<?, ?> c = (Map<?, ?>) all.get(0);
        assertEquals("u1", c.get("id"));
        assertEquals("running", c.get("status"));
        assertEquals("qemu-lite", c.get("hypervisor"));
        assertTrue(cocoon.run("list", "-q").out().equals("u1\n"));
        Cocoon.Result upd = cocoon.run("update", "--memory", "67108864", "--pids-limit", "50", "--cpu-quota", "50000", "u1");
        assertEquals(0, upd.rc(), upd::toString);
        Cocoon.Result cg = cocoon.run("exec", "u1", "cat", "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/pids.max",
                "/sys/fs/cgroup/cpu.max");
        assertEquals("67108864\n50\n50000 100000\n", cg.out(), cg::toString);
        Cocoon.Result tooBig = cocoon.run("update", "--memory", String.valueOf(8L << 30), "u1");
        assertNotEquals(0, tooBig.rc());
        assertTrue(tooBig.err().contains("the VM booted with"), tooBig::toString);
        assertEquals(0, cocoon.run("delete", "--force", "u1").rc());
    }

    /** The create's process under subreaper.py, which prints create=RC, pid=PID and exit=STATUS. */
    private record Reaper(Process process, java.io.BufferedReader lines) {}

    private Reaper createUnderReaper(Bundle b, String id, Path pidFile, int seconds) throws java.io.IOException {
        Path reaper = Cocoon.tool("subreaper.py", tmp);
        List<String> cmd = new ArrayList<>(List.of("python3", reaper.toString(), pidFile.toString(), String.valueOf(seconds), "--"));
        cmd.addAll(cocoon.command("create", "--bundle", b.dir().toString(), "--pid-file", pidFile.toString(), id));
        Process sub = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new Reaper(sub, new java.io.BufferedReader(new java.io.InputStreamReader(sub.getInputStream())));
    }
}
