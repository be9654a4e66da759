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
 * random -> delete --force, and after each a count of every kind of leak (state dirs, processes,
 * mounts, socket dirs, host cgroups, network namespaces, ports on the test's CNI bridge, IPAM
 * leases, iptables rules) and of any state that lies (running for a dead VM). Every lifecycle is
 * on a CNI bridge network and in a host cgroup of its own. CI runs 30 ({@code -Dcocoon.soak=30}, the default); the long run
 * is {@code -Dcocoon.soak=1000} (README). {@code -Dcocoon.soak.seed} replays a run;
 * {@code -Dcocoon.soak.faults=CLI_CREATE} draws from the faults named only.
 *
 * <p>Faults: kill -9 of the monitor, of the hypervisor, of the CLI in the middle of create, of
 * the CLI in the middle of delete; the host-side share directory removed under a running
 * container; none. (The guest agent cannot be killed from inside a container: it is PID 1 of the
 * guest, outside the container's PID namespace; its death is the VM's, the hypervisor fault.)
 */
@Timeout(36000)
class SoakTest extends CniFixture {
    enum Fault { MONITOR, HYPERVISOR, CLI_CREATE, CLI_DELETE, SHARE_REMOVED, NONE }

    @Test
    void faultedLifecyclesLeaveNothing() throws Exception {
        int n = Integer.getInteger("cocoon.soak", 30);
        long seed = Long.getLong("cocoon.soak.seed", System.nanoTime());
        Random rnd = new Random(seed);
        // -Dcocoon.soak.faults=CLI_CREATE,MONITOR draws from these only (to chase one race)
        List<Fault> chosen = System.getProperty("cocoon.soak.faults", "").isBlank() ? List.of(Fault.values())
                : java.util.Arrays.stream(System.getProperty("cocoon.soak.faults").split(",")).map(String::strip).map(Fault::valueOf).toList();
        Bundle b = bundle("sleep", "1000");
        // every lifecycle is on the test's CNI bridge (a netns, a veth, a tap, a lease, iptables
        // rules) and in a host cgroup of its own: all of it must go with the container
        b.edit(c -> c.put("annotations", Map.of("io.cocoon.network.cni", "cocoontest",
                "io.cocoon.plugin.cni.confdir", conf.getParent().toString())));
        Map<Fault, Integer> faults = new TreeMap<>();
        Map<String, Integer> leaks = new TreeMap<>();
        List<Long> deleteMs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        java.util.Set<String> netnsBefore = netns();
        for (int i = 0; i < n; i++) {
            String id = "soak" + i;
            Fault f = chosen.get(rnd.nextInt(chosen.size()));
            faults.merge(f, 1, Integer::sum);
            Path dir = cocoon.root().resolve(id);
            String cg = CGROUP_PARENT + "/" + id;
            b.edit(c -> Bundle.obj(c, "linux").put("cgroupsPath", cg));
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
            count(leaks, "cgroups", cgroups(cg));
            java.util.Set<String> netns = netns();
            netns.removeAll(netnsBefore);
            count(leaks, "netns", netns.size());
            netnsBefore.addAll(netns); // a leak is counted once
            String ports = Cocoon.exec(List.of("ip", "-o", "link", "show", "master", BRIDGE), tmp, null, Duration.ofSeconds(10)).out();
            count(leaks, "bridge ports", (int) ports.lines().filter(l -> !l.isBlank()).count());
            count(leaks, "leases", leases());
            String rules = Cocoon.exec(List.of("iptables-save"), tmp, null, Duration.ofSeconds(10)).out();
            count(leaks, "iptables rules", (int) rules.lines().filter(l -> l.contains(id + " ") || l.contains(id + "\"")).count());
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

    static final String CGROUP_PARENT = "/cocoon-soak";

    /** Cocoon's named network namespaces now (the cni-bridge driver's {@code cocoon-<hash>}). */
    java.util.Set<String> netns() {
        String out = Cocoon.exec(List.of("ip", "netns", "list"), tmp, null, Duration.ofSeconds(10)).out();
        return new java.util.HashSet<>(out.lines().filter(l -> l.startsWith("cocoon-")).map(l -> l.split(" ")[0]).toList());
    }

    /** Host cgroup directories of this lifecycle left: in each v1 hierarchy, or the unified one. */
    static int cgroups(String cg) throws java.io.IOException {
        int n = Files.isDirectory(Path.of("/sys/fs/cgroup" + cg)) ? 1 : 0;
        try (var s = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : s.toList()) if (Files.isDirectory(Path.of(h + cg))) n++;
        }
        return n;
    }

    /** host-local IPAM leases of the test's subnet still held. */
    int leases() throws java.io.IOException {
        Path d = ipam.resolve("cocoontest");
        if (!Files.isDirectory(d)) return 0;
        try (var s = Files.list(d)) {
            return (int) s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void cgroupParentGone() throws java.io.IOException {
        try (var s = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : s.toList()) Files.deleteIfExists(Path.of(h + CGROUP_PARENT));
            Files.deleteIfExists(Path.of("/sys/fs/cgroup" + CGROUP_PARENT));
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // a leak: counted and reported by the test
        }
    }

    static void count(Map<String, Integer> leaks, String kind, int n) {
        leaks.merge(kind, n, Integer::sum);
    }
}
