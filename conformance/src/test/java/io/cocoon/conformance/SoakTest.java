package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault-injection soak: N lifecycles of create -> start -> a random delay -> one fault chosen at
 * random -> delete --force, and after each a count of every kind of leak and of any state that
 * lies (running for a dead VM). CI runs 30 ({@code -Dcocoon.soak=30}, the default); the long run
 * is {@code -Dcocoon.soak=1000} (README). {@code -Dcocoon.soak.seed} replays a run.
 *
 * <p>Faults: kill -9 of the monitor, of the hypervisor, of the CLI in the middle of create, of
 * the CLI in the middle of delete; the host-side share directory removed under a running
 * container; none. (The guest agent cannot be killed from inside a container: it is PID 1 of the
 * guest, outside the container's PID namespace; its death is the VM's, the hypervisor fault.)
 */
@Timeout(36000)
class SoakTest extends VmTest {
    enum Fault { MONITOR, HYPERVISOR, CLI_CREATE, CLI_DELETE, SHARE_REMOVED, NONE }

    @Test
    void faultedLifecyclesLeaveNothing() throws Exception {
        int n = Integer.getInteger("cocoon.soak", 30);
        long seed = Long.getLong("cocoon.soak.seed", System.nanoTime());
        Random rnd = new Random(seed);
        Bundle b = bundle("sleep", "1000");
        Map<Fault, Integer> faults = new TreeMap<>();
        Map<String, Integer> leaks = new TreeMap<>();
        List<Long> deleteMs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "soak" + i;
            Fault f = Fault.values()[rnd.nextInt(Fault.values().length)];
            faults.merge(f, 1, Integer::sum);
            Path dir = cocoon.root().resolve(id);
            if (f == Fault.CLI_CREATE) {
                Process p = new ProcessBuilder(cocoon.command("create", "--bundle", b.dir().toString(), id))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Thread.sleep(100 + rnd.nextInt(1500));
                p.destroyForcibly();
                p.waitFor();
            } else {
                Cocoon.Result c = cocoon.run("create", "--bundle", b.dir().toString(), id);
                if (c.rc() != 0) problems.add(id + " create: " + c);
                cocoon.run("start", id);
                Thread.sleep(rnd.nextInt(500));
                switch (f) {
                    case MONITOR -> {
                        kill(((Number) state(id).get("pid")).longValue());
                        lies(id, problems);
                    }
                    case HYPERVISOR -> {
                        kill(Long.parseLong(Files.readString(dir.resolve("qemu.pid")).strip()));
                        lies(id, problems);
                    }
                    case CLI_DELETE -> {
                        Process p = new ProcessBuilder(cocoon.command("delete", "--force", id)).redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        Thread.sleep(20 + rnd.nextInt(400));
                        p.destroyForcibly();
                        p.waitFor();
                    }
                    case SHARE_REMOVED -> Cocoon.exec(List.of("rm", "-rf", dir.resolve("shared").toString()), tmp, null, Duration.ofSeconds(30));
                    default -> { }
                }
            }
            long t0 = System.nanoTime();
            Cocoon.Result d = cocoon.run("delete", "--force", id);
            deleteMs.add((System.nanoTime() - t0) / 1_000_000);
            if (d.rc() != 0) problems.add(id + " (" + f + ") delete --force: " + d);
            count(leaks, "state dirs", Files.exists(dir) ? 1 : 0);
            count(leaks, "processes", Cocoon.pidsMatching(dir.toString()).size() + monitors(id));
            count(leaks, "mounts", (int) Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(dir.toString())).count());
            count(leaks, "socket dirs", Files.exists(socketDir(id)) ? 1 : 0);
            if (leaks.values().stream().anyMatch(v -> v > 0)) problems.add(id + " (" + f + "): leaks so far " + leaks);
        }
        List<Long> sorted = deleteMs.stream().sorted().toList();
        System.out.printf("soak: %d lifecycles, seed %d%n  faults: %s%n  leaks: %s%n  delete --force ms: min %d, median %d, p90 %d, max %d%n",
                n, seed, faults, leaks, sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() * 9 / 10),
                sorted.get(sorted.size() - 1));
        assertEquals(List.of(), problems, "seed " + seed);
    }

    static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** After a kill -9 the state must stop saying running (within 15 s): a lie otherwise. */
    void lies(String id, List<String> problems) throws InterruptedException {
        String s = awaitStatus(id, "stopped", 15_000);
        if (!s.equals("stopped")) problems.add(id + ": state says " + s + " for a dead VM");
    }

    /** Monitors of this id still alive (their command line names the id, not the state dir). */
    int monitors(String id) {
        return (int) ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> {
            List<String> l = List.of(a);
            int m = l.indexOf("monitor");
            return m >= 0 && m + 2 < l.size() && l.get(m + 2).equals(id) && String.join(" ", l).contains(cocoon.root().toString());
        }).orElse(false)).count();
    }

    /** The container's socket directory: {@code <root>/.s/<first 6 bytes of sha256(id), hex>} (StateStore). */
    Path socketDir(String id) throws Exception {
        byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return cocoon.root().resolve(".s").resolve(java.util.HexFormat.of().formatHex(h, 0, 6));
    }

    static void count(Map<String, Integer> leaks, String kind, int n) {
        leaks.merge(kind, n, Integer::sum);
    }
}
