package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules of docs/security.md that a hostile bundle or guest would test: a rootfs whose
 * {@code etc} is a symlink to the host's {@code /etc}, and a mount destination climbing out with
 * {@code ..}, never write or mount outside the bundle on the host; QEMU runs with its seccomp
 * sandbox on.
 */
@Timeout(300)
class SecurityTest extends VmTest {
    static final String MARK = "cocoon-escape-" + ProcessHandle.current().pid();

    @Test
    void aRootfsSymlinkToTheHostsEtcStaysInTheGuest() throws Exception {
        Bundle b = bundle("sh", "-c", "echo owned > /etc/" + MARK + "; echo rc=$?; echo owned > /etc/../etc/" + MARK + "-2; echo rc=$?");
        Path etc = b.rootfs().resolve("etc");
        Cocoon.exec(List.of("rm", "-rf", etc.toString()), tmp, null, java.time.Duration.ofSeconds(10));
        Files.createSymbolicLink(etc, Path.of("/etc"));
        Cocoon.Result r = cocoon.run("run", "--bundle", b.dir().toString(), "sym1");
        assertEquals(0, r.rc(), r::toString);
        // the container ran; inside the guest the link points at the container's own /etc, itself
        assertEquals("rc=1\nrc=1\n", r.out(), r::toString);
        assertTrue(r.err().contains("Too many levels of symbolic links"), r::toString);
        assertFalse(Files.exists(Path.of("/etc", MARK)), "the host's /etc was written through the rootfs symlink: " + r);
        assertFalse(Files.exists(Path.of("/etc", MARK + "-2")), r::toString);
        assertTrue(Files.isSymbolicLink(etc), "the bundle's symlink is left as it was");
    }

    @Test
    void aMountDestinationCannotClimbOutOfTheRoot() throws Exception {
        Path src = tmp.resolve("vol");
        Files.createDirectories(src);
        Files.writeString(src.resolve("inside"), "x");
        Bundle b = bundle("sh", "-c", "cat /tmp/" + MARK + "/inside");
        b.edit(c -> Bundle.list(c, "mounts").add(StorageTest.bind(src.toString(), "/../../../../tmp/" + MARK, "rbind", "rw")));
        Cocoon.Result r = cocoon.run("run", "--bundle", b.dir().toString(), "dotdot1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("x", r.out(), "the mount lands inside the container's root, at /tmp/" + MARK);
        assertFalse(Files.exists(Path.of("/tmp", MARK)), "nothing was made or mounted at the host's /tmp");
        assertTrue(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().noneMatch(l -> l.contains(MARK)));
    }

    @Test
    void qemuRunsWithItsSeccompSandbox() throws Exception {
        Bundle b = bundle("sleep", "100");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "sb1").rc());
        long qemu = Long.parseLong(Files.readString(cocoon.root().resolve("sb1/qemu.pid")).strip());
        String cmd = String.join(" ", ProcessHandle.of(qemu).flatMap(h -> h.info().arguments()).map(List::of).orElse(List.of()));
        assertTrue(cmd.contains("-sandbox on"), cmd);
        String status = Files.readString(Path.of("/proc/" + qemu + "/status"));
        assertTrue(status.lines().anyMatch(l -> l.matches("Seccomp:\\s+2")), "QEMU is under a seccomp filter: " + status);
        assertTrue(cmd.contains("elevateprivileges=deny") && cmd.contains("spawn=deny"), cmd);
        // its capabilities: only what 9p passthrough and taps use; no CAP_SYS_ADMIN (21), CAP_SYS_PTRACE (19),
        // CAP_SYS_MODULE (16), CAP_KILL (5), CAP_SETUID (7); no new privileges
        long bnd = Long.parseUnsignedLong(status.lines().filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().substring(7).strip(), 16);
        long eff = Long.parseUnsignedLong(status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).strip(), 16);
        for (int cap : new int[] {5, 7, 16, 19, 21}) {
            assertEquals(0, bnd & (1L << cap), "capability " + cap + " left QEMU's bounding set: " + Long.toHexString(bnd));
        }
        assertEquals(bnd, eff, "QEMU's effective capabilities are its bounding set");
        assertTrue(status.lines().anyMatch(l -> l.matches("NoNewPrivs:\\s+1")), status);
        assertEquals(0, cocoon.run("delete", "--force", "sb1").rc());
    }
}
