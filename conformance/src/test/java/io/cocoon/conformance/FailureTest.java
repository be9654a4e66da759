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
        assertTrue(r.err().contains("hypervisor log"), "says where QEMU's log is: " + r);
        assertTrue(took < 20_000, "gave up at the deadline, took " + took + " ms");
        nothingLeft("hung");
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
}
