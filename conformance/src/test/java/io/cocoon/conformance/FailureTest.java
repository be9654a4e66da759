package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failures get one clear line, leave nothing behind and never hang: a VM that never answers, a
 * missing hypervisor, KVM forced where it cannot work, a seccomp profile, QEMU killed under a
 * running container.
 */
@Timeout(120)
class FailureTest extends VmTest {

    static void oneLine(Cocoon.Result r, String expected) {
        assertNotEquals(0, r.rc(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), () -> "one line: " + r);
        assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in " + r);
    }

    void nothingLeft(String id) {
        assertFalse(Files.exists(cocoon.root().resolve(id)), "state directory left");
        assertEquals(List.of(), Cocoon.pidsMatching(cocoon.root().resolve(id).toString()), "processes left");
    }

    @Test
    void aVmThatNeverAnswersIsKilledAtTheDeadline() throws Exception {
        Bundle b = bundle("true");
        b.edit(c -> {
            // -S: QEMU starts with its CPU stopped, so the guest never boots
            Bundle.obj(Bundle.obj(c, "vm"), "hypervisor").putAll(Map.of("path", "/usr/bin/qemu-system-x86_64", "parameters", List.of("-S")));
            Bundle.obj(c, "annotations").put("io.cocoon.vm.boot_timeout", "2000");
        });
        long t0 = System.currentTimeMillis();
        Cocoon.Result r = cocoon.run("create", "--bundle", b.dir().toString(), "hung");
        long took = System.currentTimeMillis() - t0;
        oneLine(r, "the guest agent did not answer");
        // the state directory goes with the failed container: no pointer into it, the flag that keeps the log instead
        assertTrue(r.err().contains("--hypervisor-log-dir") && !r.err().contains(cocoon.root().toString()), "points at no removed file: " + r);
        assertTrue(took < 20_000, "gave up at the deadline, took " + took + " ms");
        nothingLeft("hung");
        Path logs = tmp.resolve("hvlogs");
        Cocoon.Result kept = cocoon.run("--hypervisor-log-dir", logs.toString(), "create", "--bundle", b.dir().toString(), "hung2");
        oneLine(kept, "hypervisor log: " + logs.resolve("hung2.log"));
        assertTrue(Files.exists(logs.resolve("hung2.log")), "the log it names exists");
        nothingLeft("hung2");
    }

    @Test
    void missingHypervisorBinary() throws Exception {
        Bundle b = bundle("true");
        b.edit(c -> Bundle.obj(Bundle.obj(c, "vm"), "hypervisor").put("path", "/nonexistent/qemu"));
        oneLine(cocoon.run("create", "--bundle", b.dir().toString(), "noqemu"), "vm.hypervisor.path");
        nothingLeft("noqemu");
    }

    @Test
    void kvmForcedOnAHostWhereItCannotWork() throws Exception {
        boolean kvmUnusable = !Files.exists(Path.of("/dev/kvm")) || Files.isDirectory(Path.of("/sys/module/kvm_pvm"));
        org.junit.jupiter.api.Assumptions.assumeTrue(kvmUnusable, "KVM works on this host");
        Bundle b = bundle("true");
        b.edit(c -> Bundle.obj(c, "annotations").put("io.cocoon.vm.accel", "kvm"));
        oneLine(cocoon.run("create", "--bundle", b.dir().toString(), "kvm1"), "KVM requested but");
        nothingLeft("kvm1");
    }

    @Test
    void seccompProfileIsEnforcedInTheGuest() throws Exception {
        Bundle b = bundle("sh", "-c", "mkdir /tmp/x && echo made || echo refused; echo still-running");
        b.edit(c -> Bundle.obj(c, "linux").put("seccomp", Map.of("defaultAction", "SCMP_ACT_ALLOW",
                "architectures", List.of("SCMP_ARCH_X86_64"),
                "syscalls", List.of(Map.of("names", List.of("mkdir", "mkdirat"), "action", "SCMP_ACT_ERRNO")))));
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "sc1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("refused\nstill-running\n", r.out());
        assertTrue(r.err().contains("Operation not permitted"), r::toString);
    }

    @Test
    void qemuKilledUnderARunningContainer() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "q9").rc());
        assertEquals(0, cocoon.run("start", "q9").rc());
        long qemu = Long.parseLong(Files.readString(cocoon.root().resolve("q9/qemu.pid")).trim());
        ProcessHandle.of(qemu).orElseThrow().destroyForcibly();
        assertEquals("stopped", awaitStatus("q9", "stopped", 15_000));
        assertEquals(0, cocoon.run("delete", "q9").rc(), "a stopped container is deleted without --force");
        nothingLeft("q9");
    }

    /**
     * A corrupt or missing state.json (truncated, garbage, deleted) under a running container:
     * list still shows it, plain delete refuses in one line, delete --force stops its monitor and
     * VM found by their own identity and leaves nothing; the id can then be created again.
     */
    @Test
    void anUnreadableStateStillFindsAndStopsWhatRuns() throws Exception {
        Bundle b = bundle("sleep", "1000");
        for (String damage : List.of("truncated", "garbage", "deleted")) {
            String id = "bad-" + damage;
            assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), id).rc());
            assertEquals(0, cocoon.run("start", id).rc());
            Path state = cocoon.root().resolve(id).resolve("state.json");
            switch (damage) {
                case "truncated" -> Files.writeString(state, Files.readString(state).substring(0, 40));
                case "garbage" -> Files.write(state, new byte[] {0, 1, 2, (byte) 0xff, '{'});
                default -> Files.delete(state);
            }
            assertFalse(Cocoon.pidsMatching(cocoon.root().resolve(id).toString()).isEmpty(), "its VM still runs");
            Cocoon.Result list = cocoon.run("list");
            assertTrue(list.out().lines().anyMatch(l -> l.startsWith(id + " ") && l.contains("unknown")), list::toString);
            Cocoon.Result plain = cocoon.run("delete", id);
            oneLine(plain, "still run: use delete --force");
            assertEquals(0, cocoon.run("delete", "--force", id).rc());
            nothingLeft(id);
            assertTrue(cocoon.run("list", "-q").out().lines().noneMatch(id::equals));
        }
        // the id is free again: one VM, not a second beside an orphan
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "bad-garbage").rc());
        assertEquals(0, cocoon.run("delete", "--force", "bad-garbage").rc());
        nothingLeft("bad-garbage");
    }

    /** An environment over 1 MiB runs (Linux allows 2 MiB); one over the protocol's 4 MiB is refused naming process.env. */
    @Test
    void aLargeEnvironmentRunsAndAnOversizedOneIsRefusedNamingTheField() throws Exception {
        Bundle b = bundle("sh", "-c", "echo ${#BIG0} ${#BIG11}");
        String value = "x".repeat(100_000); // under Linux's 128 KiB per string
        b.edit(c -> {
            Map<String, Object> p = Bundle.obj(c, "process");
            List<Object> env = new java.util.ArrayList<>(Bundle.list(p, "env"));
            for (int i = 0; i < 12; i++) env.add("BIG" + i + "=" + value); // 1.2 MB
            p.put("env", env);
        });
        Cocoon.Result ok = cocoon.run("run", "--bundle", b.dir().toString(), "bigenv");
        assertEquals(0, ok.rc(), ok::toString);
        assertEquals("100000 100000\n", ok.out());
        b.edit(c -> {
            Map<String, Object> p = Bundle.obj(c, "process");
            List<Object> env = new java.util.ArrayList<>(Bundle.list(p, "env"));
            for (int i = 12; i < 50; i++) env.add("BIG" + i + "=" + value); // 5 MB
            p.put("env", env);
        });
        long t0 = System.currentTimeMillis();
        Cocoon.Result r = cocoon.run("create", "--bundle", b.dir().toString(), "hugeenv");
        oneLine(r, "process.env: ");
        assertTrue(r.err().contains("4 MiB"), r::toString);
        assertTrue(System.currentTimeMillis() - t0 < 10_000, "refused before any boot");
        nothingLeft("hugeenv");
    }
}
