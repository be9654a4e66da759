package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * runc's checkpoint and restore as VM snapshots (docs/checkpoint.md): a counting process on a
 * block rootfs goes on counting from where it was, in a container restored from the saved VM;
 * a 9p rootfs is refused in one line; a directory with no checkpoint is refused in one line.
 */
@Timeout(240)
class CheckpointTest extends VmTest {
    /**
     * Counts in memory (the shell's variable) and leaves the latest value where exec can read it.
     * Each value is written to a new file and renamed over the old one: {@code echo > file}
     * truncates first, and an exec landing between the truncation and the write read "" (seen once
     * in CI).
     */
    Bundle counter(String name, boolean block) throws Exception {
        Bundle b = namedBundle(name, "sh", "-c",
                "mkdir -p /tmp; i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done");
        b.edit(c -> {
            Bundle.obj(c, "root").put("readonly", false);
            if (block) Bundle.obj(c, "annotations").put("io.cocoon.storage", "block");
        });
        return b;
    }

    long count(String id) {
        Cocoon.Result r = cocoon.run("exec", id, "cat", "/tmp/count");
        if (r.rc() != 0 && r.err().contains("No such file")) return 0; // not written yet
        assertEquals(0, r.rc(), r::toString);
        return Long.parseLong(r.out().strip());
    }

    long countAtLeast(String id, long n) throws InterruptedException {
        long c = count(id);
        for (int i = 0; i < 100 && c < n; i++) {
            Thread.sleep(100);
            c = count(id);
        }
        return c;
    }

    @Test
    void aRestoredContainerCountsOnFromWhereItWasCheckpointed() throws Exception {
        Bundle b = counter("b1", true);
        Path image = tmp.resolve("image");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "k1").rc());
        assertEquals(0, cocoon.run("start", "k1").rc());
        long before = countAtLeast("k1", 10);
        // the flags engines pass: accepted, and named in the log as meaning nothing for a VM
        Path log = tmp.resolve("checkpoint.log");
        Cocoon.Result ck = cocoon.run("--log", log.toString(), "--debug", "checkpoint", "--image-path", image.toString(), "--work-path", tmp.toString(),
                "--tcp-established", "--file-locks", "--manage-cgroups-mode", "soft", "k1");
        assertEquals(0, ck.rc(), ck::toString);
        String logged = Files.exists(log) ? Files.readString(log) : "";
        assertTrue(logged.contains("ignored for a VM snapshot") && logged.contains("--tcp-established"), "the log: " + logged);
        assertEquals("stopped", awaitStatus("k1", "stopped", 10_000), "checkpoint ends the container, as runc's does");
        long saved = before;
        assertEquals(0, cocoon.run("delete", "k1").rc());
        assertTrue(Files.exists(image.resolve("vm.state")) && Files.exists(image.resolve("cocoon-checkpoint.json")));

        Path pid = tmp.resolve("k2.pid");
        Cocoon.Result r = cocoon.run("restore", "--image-path", image.toString(), "--bundle", b.dir().toString(), "--detach",
                "--pid-file", pid.toString(), "k2");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("running", status("k2"));
        assertEquals(String.valueOf(state("k2").get("pid")), Files.readString(pid).strip(), "the pid file names the state's pid");
        long after = count("k2");
        assertTrue(after >= saved && after < saved + 100, "the count goes on from " + saved + ", not from 0: " + after);
        long later = countAtLeast("k2", after + 5);
        assertTrue(later >= after + 5, "and keeps counting: " + after + " then " + later);

        // --leave-running: a second checkpoint of the restored container, which goes on
        Cocoon.Result again = cocoon.run("checkpoint", "--image-path", tmp.resolve("image2").toString(), "--leave-running", "k2");
        assertEquals(0, again.rc(), again::toString);
        assertEquals("running", status("k2"));
        long still = countAtLeast("k2", later + 3);
        assertTrue(still >= later + 3, "running after --leave-running: " + later + " then " + still);
        assertEquals(0, cocoon.run("kill", "k2", "KILL").rc());
        assertEquals("stopped", awaitStatus("k2", "stopped", 10_000));
        assertEquals(0, cocoon.run("delete", "k2").rc());
    }

    /**
     * {@code run --detach} plans its VM as a start at once (no standby NIC for a late network),
     * unlike {@code create}: the checkpoint must say so, or restore plans another VM and refuses.
     */
    @Test
    void aContainerStartedByRunDetachRestoresToo() throws Exception {
        Bundle b = counter("bd", true);
        Path image = tmp.resolve("image-d");
        assertEquals(0, cocoon.run("run", "--detach", "--bundle", b.dir().toString(), "d1").rc());
        long before = countAtLeast("d1", 5);
        Cocoon.Result ck = cocoon.run("checkpoint", "--image-path", image.toString(), "d1");
        assertEquals(0, ck.rc(), ck::toString);
        assertEquals("stopped", awaitStatus("d1", "stopped", 10_000));
        assertEquals(0, cocoon.run("delete", "d1").rc());
        Cocoon.Result r = cocoon.run("restore", "--image-path", image.toString(), "--bundle", b.dir().toString(), "--detach", "d2");
        assertEquals(0, r.rc(), r::toString);
        long after = count("d2");
        assertTrue(after >= before && after < before + 100, "the count goes on from " + before + ", not from 0: " + after);
        Cocoon.Result list = cocoon.run("list", "--all");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("d2 ") && l.strip().endsWith(" restored")), list::toString);
        assertEquals(0, cocoon.run("delete", "--force", "d2").rc());
    }

    @Test
    void aNinePRootfsIsRefusedInOneLineAndTheContainerGoesOn() throws Exception {
        Bundle b = counter("b9", false);
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "n1").rc());
        assertEquals(0, cocoon.run("start", "n1").rc());
        Cocoon.Result r = cocoon.run("checkpoint", "--image-path", tmp.resolve("img9").toString(), "n1");
        assertNotEquals(0, r.rc());
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().contains("rootfs is a 9p share") && r.err().contains("io.cocoon.storage=block"), r::toString);
        assertEquals("running", status("n1"));
        long c = count("n1");
        assertTrue(countAtLeast("n1", c + 3) >= c + 3, "still counting");
        assertEquals(0, cocoon.run("delete", "--force", "n1").rc());
    }

    @Test
    void restoreFromADirectoryWithoutACheckpointIsOneLine() throws Exception {
        Bundle b = counter("b0", true);
        Files.createDirectories(tmp.resolve("empty"));
        Cocoon.Result r = cocoon.run("restore", "--image-path", tmp.resolve("empty").toString(), "--bundle", b.dir().toString(), "-d", "x1");
        assertNotEquals(0, r.rc());
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().contains("holds no Cocoon checkpoint"), r::toString);
        assertTrue(!Files.exists(cocoon.root().resolve("x1")), "nothing half-created");
    }
}
