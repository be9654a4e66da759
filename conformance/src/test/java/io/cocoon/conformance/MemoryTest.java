package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory as runc users expect it of a VM: a default guest big enough for what runc runs, memory
 * the guest frees going back to the host, the spec's limit and reservation on the container
 * inside the guest, and the guest's OOM kills reported as runc's {@code oom} event.
 */
@Timeout(180)
class MemoryTest extends VmTest {
    /**
     * A 200 MB string built in user space (awk's sprintf): touched by the process itself, so a
     * limit OOM-kills it (a buffer the kernel fills, as dd's read(), fails with EFAULT instead).
     */
    private static final String ALLOC_200MB = "awk 'BEGIN {s = sprintf(\"%200000000s\", \"\")}' && echo allocated";

    @Test
    void withoutALimitTheDefaultGuestRunsA200MbProcessAsRuncDoes() throws Exception {
        Bundle b = bundle("sh", "-c", ALLOC_200MB + "; awk '/MemTotal/ {print $2}' /proc/meminfo");
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "m1");
        assertEquals(0, r.rc(), r::toString);
        String[] l = r.out().split("\n");
        assertEquals("allocated", l[0], r::toString);
        assertTrue(Long.parseLong(l[1].trim()) > 1800L * 1024, "a 2 GiB guest by default: MemTotal " + l[1] + " kB");
    }

    /** Free page reporting: what the guest touched and freed leaves QEMU's resident memory. */
    @Test
    void memoryTheGuestFreesGoesBackToTheHost() throws Exception {
        Bundle b = bundle("sleep", "1000");
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "m2").rc());
        try {
            assertEquals(0, cocoon.run("start", "m2").rc());
            long qemu = Long.parseLong(Files.readString(cocoon.root().resolve("m2/qemu.pid")).trim());
            long before = rssKiB(qemu);
            Cocoon.Result r = cocoon.run("exec", "m2", "sh", "-c", "awk 'BEGIN {s = sprintf(\"%400000000s\", \"\")}' && echo done");
            assertEquals("done\n", r.out(), r::toString);
            // the guest reports free pages after ~2 s; QEMU discards them
            long after = rssKiB(qemu);
            for (int i = 0; i < 100 && after > before + 150 * 1024; i++) {
                Thread.sleep(200);
                after = rssKiB(qemu);
            }
            System.out.printf("free page reporting: QEMU RSS %d kB idle, %d kB after 400 MB touched and freed in the guest%n", before, after);
            assertTrue(after < before + 150 * 1024, "QEMU RSS " + before + " kB before, " + after + " kB after a freed 400 MB");
        } finally {
            cocoon.run("delete", "--force", "m2");
        }
    }

    @Test
    void theLimitAndTheReservationApplyToTheContainerInTheGuest() throws Exception {
        Bundle b = bundle("sh", "-c", "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.low; " + ALLOC_200MB + "; echo rc=$?");
        b.edit(c -> Bundle.obj(c, "linux").put("resources",
                Map.of("memory", Map.of("limit", 48L << 20, "reservation", 32L << 20, "swappiness", 10L, "disableOOMKiller", true))));
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "m3");
        assertEquals(0, r.rc(), r::toString);
        List<String> l = r.out().lines().toList();
        assertEquals(String.valueOf(48L << 20), l.get(0));
        assertEquals(String.valueOf(32L << 20), l.get(1));
        assertEquals("rc=137", l.get(2), "200 MB over a 48 MiB limit is OOM-killed in the guest: " + r);
    }

    /** runc's {@code {"type":"oom"}}: `events` reports the guest's OOM kill of a process of the container. */
    @Test
    void anOomKillIsAnOomEvent() throws Exception {
        Bundle b = bundle("sleep", "1000");
        b.edit(c -> Bundle.obj(c, "linux").put("resources", Map.of("memory", Map.of("limit", 48L << 20))));
        assertEquals(0, cocoon.run("create", "--bundle", b.dir().toString(), "m4").rc());
        Process events = null;
        try {
            assertEquals(0, cocoon.run("start", "m4").rc());
            Path out = tmp.resolve("events.out");
            events = new ProcessBuilder(cocoon.command("events", "--interval", "30s", "m4"))
                    .redirectOutput(out.toFile()).redirectError(tmp.resolve("events.err").toFile()).start();
            // the first stats event: events is watching
            for (int i = 0; i < 100 && !Files.readString(out).contains("\"stats\""); i++) Thread.sleep(100);
            assertTrue(Files.readString(out).contains("\"type\":\"stats\""), () -> "no stats event: " + read(out));
            assertTrue(!Files.readString(out).contains("\"oom\""), "no oom before one happens");
            Cocoon.Result r = cocoon.run("exec", "m4", "sh", "-c", ALLOC_200MB);
            assertEquals(137, r.rc(), r::toString);
            for (int i = 0; i < 50 && !Files.readString(out).contains("\"oom\""); i++) Thread.sleep(100);
            assertTrue(Files.readString(out).contains("{\"type\":\"oom\",\"id\":\"m4\"}"), () -> "no oom event: " + read(out));
        } finally {
            if (events != null) {
                events.destroy();
                events.waitFor(10, TimeUnit.SECONDS);
            }
            cocoon.run("delete", "--force", "m4");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static long rssKiB(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
