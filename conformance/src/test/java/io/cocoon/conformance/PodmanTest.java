package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * podman 4.3 + conmon drive Cocoon unchanged (Debian's packages), with a private configuration
 * (docs/engines.md): cgroupfs, file events, default ulimits this host allows, and "cocoon" in
 * runtime_supports_json so conmon passes --log-format=json --log.
 */
@Tag("engine")
@Timeout(300)
class PodmanTest {
    static Path work;
    static Path log;
    static Path runtime;
    static Map<String, String> env;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory(Path.of("/var/tmp"), "cocoon-podman");
        log = work.resolve("calls.log");
        runtime = Engines.wrapper(work.resolve("bin"), log);
        Files.writeString(work.resolve("containers.conf"), """
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                runtime_supports_json = ["cocoon", "crun", "runc", "kata"]
                """);
        Files.writeString(work.resolve("storage.conf"), "[storage]\ndriver = \"overlay\"\ngraphroot = \"" + work.resolve("storage")
                + "\"\nrunroot = \"/run/cocoon-test-podman/storage\"\n");
        env = Map.of("CONTAINERS_CONF", work.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", work.resolve("storage.conf").toString());
        Bundle b = Bundle.busybox(work.resolve("bundle"), "true");
        Path archive = OciImage.archive(b.rootfs(), work, "localhost/busybox:latest");
        Cocoon.Result load = podman("load", "-i", archive.toString());
        assertEquals(0, load.rc(), load::toString);
    }

    @AfterAll
    static void tearDown() {
        podman("rm", "-af", "-t", "0");
        podman("system", "reset", "--force");
        Cocoon.exec(List.of("rm", "-rf", work.toString(), "/run/cocoon-test-podman"), null, null, Duration.ofSeconds(60));
    }

    static Cocoon.Result podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add("podman");
        if (args.length > 0 && !args[0].equals("load") && !args[0].equals("system") && !args[0].equals("rm")) {
            cmd.addAll(List.of("--runtime", runtime.toString()));
        }
        cmd.addAll(List.of(args));
        return Cocoon.exec(cmd, work, null, Duration.ofSeconds(180));
    }

    /** Runs a podman command line under a pty (for -it). */
    static Cocoon.Result podmanTty(String line) {
        StringBuilder sb = new StringBuilder();
        env.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
        sb.append("podman --runtime ").append(runtime).append(' ').append(line);
        return Cocoon.exec(List.of("script", "-qec", sb.toString(), "/dev/null"), work, null, Duration.ofSeconds(180));
    }

    @Test
    void runRmEchoAndExitCode() throws Exception {
        Cocoon.Result r = podman("run", "--rm", "localhost/busybox", "echo", "hi");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("hi\n", r.out());
        assertEquals(7, podman("run", "--rm", "localhost/busybox", "sh", "-c", "exit 7").rc());
        List<String> calls = Engines.calls(log);
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("--log-format=json --log ") && c.contains(" create --bundle ")
                && c.contains(" --pid-file ")), "conmon's create, with the json log flags: " + calls);
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("start ")), calls::toString);
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("delete --force ")), calls::toString);
    }

    @Test
    void networkNoneDefaultAndHost() {
        assertEquals("lo\n", podman("run", "--rm", "--network", "none", "localhost/busybox", "ls", "/sys/class/net").out(),
                "--network none: only lo in the guest");
        Cocoon.Result bridge = podman("run", "--rm", "localhost/busybox", "ls", "/sys/class/net");
        assertEquals(0, bridge.rc(), bridge::toString);
        assertEquals("eth0\nlo\n", bridge.out());
        // a VM cannot share the host's network: refused in one line, not a silent lo-only guest
        Cocoon.Result host = podman("run", "--rm", "--network", "host", "localhost/busybox", "true");
        assertTrue(host.rc() != 0, host::toString);
        assertTrue(host.err().contains("no network namespace"), host::toString);
    }

    @Test
    void detachedContainerLifecycle() throws Exception {
        assertEquals(0, podman("run", "-d", "--name", "p1", "localhost/busybox", "sh", "-c", "echo started; sleep 1000").rc());
        Cocoon.Result exec = podman("exec", "p1", "sh", "-c", "echo in-exec; exit 3");
        assertEquals(3, exec.rc(), exec::toString);
        assertEquals("in-exec\n", exec.out());
        assertEquals(0, podman("exec", "-d", "p1", "sleep", "2").rc());
        assertEquals("started\n", podman("logs", "p1").out());
        Cocoon.Result inspect = podman("inspect", "p1", "--format", "{{.State.Status}} {{.State.Pid}}");
        String[] st = inspect.out().strip().split(" ");
        assertEquals("running", st[0]);
        long pid = Long.parseLong(st[1]);
        assertTrue(ProcessHandle.of(pid).map(h -> h.info().commandLine().orElse("").contains("monitor")).orElse(false),
                "the pid podman tracks is the monitor's");
        assertEquals(0, podman("top", "p1").rc());
        assertEquals(0, podman("pause", "p1").rc());
        assertEquals("paused\n", podman("inspect", "p1", "--format", "{{.State.Status}}").out());
        assertEquals(0, podman("unpause", "p1").rc());
        Cocoon.Result upd = podman("update", "--cpu-shares", "512", "--memory", "64m", "p1");
        assertEquals(0, upd.rc(), upd::toString);
        Cocoon.Result stop = podman("stop", "-t", "2", "p1");
        assertEquals(0, stop.rc(), stop::toString);
        assertEquals("exited 137\n", podman("inspect", "p1", "--format", "{{.State.Status}} {{.State.ExitCode}}").out(),
                "sh as PID 1 ignores TERM, so stop ends with KILL, as with runc");
        assertEquals(0, podman("rm", "-f", "p1").rc());
        List<String> calls = Engines.calls(log);
        for (String sub : List.of("exec", "kill", "pause", "resume", "update", "delete")) {
            assertTrue(calls.stream().anyMatch(c -> Engines.subcommand(c).equals(sub)), sub + " was called: " + calls);
        }
        assertTrue(calls.stream().anyMatch(c -> c.matches("update --resources=\\S+ \\S+ .*")), calls::toString);
    }

    @Test
    void killAndTrappedStop() throws InterruptedException {
        assertEquals(0, podman("run", "-d", "--name", "p2", "localhost/busybox", "sh", "-c",
                "trap 'exit 3' TERM; echo trapped; while true; do sleep 0.1; done").rc());
        // a TERM that comes before the trap is set is ignored by sh as PID 1 (then KILL, 137), with runc too
        awaitLogs("p2", out -> out.contains("trapped"), "the trap is set");
        assertEquals(0, podman("stop", "-t", "10", "p2").rc());
        assertEquals("exited 3\n", podman("inspect", "p2", "--format", "{{.State.Status}} {{.State.ExitCode}}").out());
        assertEquals(0, podman("start", "p2").rc(), "a stopped container starts again (a new create)");
        assertEquals(0, podman("kill", "p2").rc());
        assertEquals(0, podman("rm", "-f", "p2").rc());
    }

    @Test
    void terminals() {
        Cocoon.Result it = podmanTty("run -it --rm localhost/busybox sh -c 'tty; echo it-ok'");
        assertTrue(it.out().contains("/dev/pts/") && it.out().contains("it-ok"), it::toString);
        assertEquals(0, podman("run", "-d", "--name", "p3", "localhost/busybox", "sleep", "1000").rc());
        Cocoon.Result eit = podmanTty("exec -it p3 sh -c 'tty; echo exec-it-ok'");
        assertTrue(eit.out().contains("/dev/pts/") && eit.out().contains("exec-it-ok"), eit::toString);
        assertEquals(0, podman("rm", "-f", "-t", "0", "p3").rc());
    }

    @Test
    void stdinIsRelayed() {
        List<String> cmd = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of("podman", "--runtime", runtime.toString(), "run", "-i", "--rm", "localhost/busybox", "cat"));
        Cocoon.Result r = Cocoon.exec(cmd, work, "through stdin\n", Duration.ofSeconds(120));
        assertEquals("through stdin\n", r.out(), r::toString);
    }

    /** 20 volumes plus podman's own file binds (hosts, resolv.conf, hostname, .containerenv): one share (issue 14). */
    @Test
    void twentyVolumesAndTheFileBinds() throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        for (int i = 1; i <= 20; i++) {
            Path v = work.resolve("vol" + i);
            Files.createDirectories(v);
            Files.writeString(v.resolve("f"), "v" + i + "\n");
            args.addAll(List.of("-v", v + ":/v" + i + (i == 2 ? ":ro" : "")));
        }
        args.addAll(List.of("localhost/busybox", "sh", "-c", "cat /v1/f /v20/f; grep -c localhost /etc/hosts; test -f /run/.containerenv"
                + " && echo containerenv; echo w > /v3/new && echo rw; echo w > /v2/new 2>/dev/null || echo ro"));
        Cocoon.Result r = podman(args.toArray(String[]::new));
        assertEquals(0, r.rc(), r::toString);
        List<String> l = r.out().lines().toList();
        assertEquals(List.of("v1", "v20"), l.subList(0, 2), r::toString);
        assertTrue(Integer.parseInt(l.get(2)) >= 1, "podman's /etc/hosts: " + r);
        assertEquals(List.of("containerenv", "rw", "ro"), l.subList(3, 6), r::toString);
        assertEquals("w\n", Files.readString(work.resolve("vol3/new")));
        assertTrue(!Files.exists(work.resolve("vol2/new")));
    }

    /**
     * podman's default network: the VM joins podman's netns (eth0, its address and routes), and
     * the port podman forwards answers from the host, as with runc (issue 9).
     */
    @Test
    void defaultNetworkAndAPortForward() throws Exception {
        Path www = work.resolve("www");
        Files.createDirectories(www);
        Files.writeString(www.resolve("index.html"), "hello-through-the-port\n");
        Cocoon.Result run = podman("run", "-d", "--name", "web", "-p", "18080:8080", "-v", www + ":/www:ro",
                "localhost/busybox", "httpd", "-f", "-p", "8080", "-h", "/www");
        assertEquals(0, run.rc(), run::toString);
        try {
            Cocoon.Result addr = podman("exec", "web", "ip", "-4", "-o", "addr", "show", "eth0");
            assertTrue(addr.out().contains("inet 10.88."), "podman's address is the guest's: " + addr);
            String body = "";
            for (int i = 0; i < 40 && !body.contains("hello"); i++) {
                body = Cocoon.exec(List.of("curl", "-s", "-m", "3", "http://127.0.0.1:18080/"), work, null, Duration.ofSeconds(10)).out();
                if (!body.contains("hello")) Thread.sleep(250);
            }
            assertEquals("hello-through-the-port\n", body);
        } finally {
            podman("rm", "-f", "-t", "0", "web");
        }
        String links = Cocoon.exec(List.of("ip", "link"), work, null, Duration.ofSeconds(10)).out();
        assertTrue(!links.contains("_cc"), "no tap of ours on the host: " + links);
    }

    /**
     * A podman pod (issue 10): the infra container (Debian's catatonit) owns the VM and the pod's
     * network; an httpd container and a client in the pod run in the same VM and talk over
     * localhost; the pod's published port answers from the host. One QEMU for the pod.
     */
    @Test
    void aPodSharesOneVmAndLocalhost() throws Exception {
        Path www = work.resolve("podwww");
        Files.createDirectories(www);
        Files.writeString(www.resolve("index.html"), "hello-from-the-pod\n");
        Cocoon.Result pod = podman("pod", "create", "-p", "18081:8080", "p1");
        assertEquals(0, pod.rc(), pod::toString);
        try {
            Cocoon.Result web = podman("run", "-d", "--pod", "p1", "--name", "pweb", "-v", www + ":/www:ro",
                    "localhost/busybox", "httpd", "-f", "-p", "8080", "-h", "/www");
            assertEquals(0, web.rc(), web::toString);
            Cocoon.Result client = podman("run", "--rm", "--pod", "p1", "localhost/busybox", "wget", "-q", "-O-", "http://127.0.0.1:8080/");
            assertEquals(0, client.rc(), client::toString);
            assertEquals("hello-from-the-pod\n", client.out(), "the client reaches the server over the pod's localhost");
            String body = "";
            for (int i = 0; i < 40 && !body.contains("hello"); i++) {
                body = Cocoon.exec(List.of("curl", "-s", "-m", "3", "http://127.0.0.1:18081/"), work, null, Duration.ofSeconds(10)).out();
                if (!body.contains("hello")) Thread.sleep(250);
            }
            assertEquals("hello-from-the-pod\n", body, "the pod's port answers from the host");
            String infra = podman("pod", "inspect", "p1", "--format", "{{.InfraContainerID}}").out().strip();
            assertTrue(!infra.isEmpty());
            long qemus = ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains("qemu-system")
                    && h.info().commandLine().orElse("").contains(infra)).count();
            long all = ProcessHandle.allProcesses().filter(h -> h.info().command().orElse("").contains("qemu-system")).count();
            assertEquals(1, qemus, "the infra container's VM");
            assertEquals(1, all, "only one VM runs for the pod");
        } finally {
            podman("pod", "rm", "-f", "-t", "0", "p1");
        }
        long left = ProcessHandle.allProcesses().filter(h -> h.info().command().orElse("").contains("qemu-system")).count();
        assertEquals(0, left, "no VM is left after pod rm");
    }

    /**
     * Issue 15: podman's checkpoint and restore of a shell counting in memory. A block rootfs
     * (podman's engine files are copied into the guest, its /dev/shm is a guest tmpfs, so the VM
     * has no 9p export); after restore the count goes on from where it was, never from 1.
     */
    @Test
    void checkpointAndRestoreContinueTheCount() throws Exception {
        Cocoon.Result run = podman("run", "-d", "--name", "pc", "--annotation", "io.cocoon.storage=block", "localhost/busybox",
                "sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.3; done");
        assertEquals(0, run.rc(), run::toString);
        try {
            awaitCount("pc", 5);
            Cocoon.Result cp = podman("container", "checkpoint", "pc");
            assertEquals(0, cp.rc(), cp::toString);
            assertEquals("exited\n", podman("inspect", "pc", "--format", "{{.State.Status}}").out());
            List<Long> before = counts("pc");
            long last = before.get(before.size() - 1);
            Cocoon.Result rs = podman("container", "restore", "pc");
            assertEquals(0, rs.rc(), rs::toString);
            assertEquals("running\n", podman("inspect", "pc", "--format", "{{.State.Status}}").out());
            List<Long> after = awaitCount("pc", last + 3);
            for (int i = 0; i < after.size(); i++) {
                assertEquals(i + 1, after.get(i), "the count runs on without a restart across the restore: " + after);
            }
            Cocoon.Result hosts = podman("exec", "pc", "cat", "/etc/hosts");
            assertEquals(0, hosts.rc(), hosts::toString);
            assertTrue(hosts.out().contains(" pc\n"), "podman's /etc/hosts, copied into the guest: " + hosts.out());
            List<String> calls = Engines.calls(log);
            assertTrue(calls.stream().anyMatch(c -> Engines.subcommand(c).equals("checkpoint")), calls::toString);
            assertTrue(calls.stream().anyMatch(c -> Engines.subcommand(c).equals("restore")), calls::toString);
        } finally {
            podman("rm", "-f", "-t", "0", "pc");
        }
        long left = ProcessHandle.allProcesses().filter(h -> h.info().command().orElse("").contains("qemu-system")).count();
        assertEquals(0, left, "no VM is left after rm");
    }

    /** The numbers the container has logged, once the last is at least {@code n} (60 s at most). */
    private static List<Long> awaitCount(String name, long n) throws InterruptedException {
        return countsIn(awaitLogs(name, out -> {
            List<Long> c = countsIn(out);
            return !c.isEmpty() && c.get(c.size() - 1) >= n;
        }, "the count reached " + n));
    }

    private static List<Long> counts(String name) {
        return countsIn(podman("logs", name).out());
    }

    private static List<Long> countsIn(String logs) {
        return logs.lines().filter(l -> l.matches("\\d+")).map(Long::parseLong).toList();
    }

    /** The container's logs once {@code done} holds for them (60 s at most). */
    private static String awaitLogs(String name, java.util.function.Predicate<String> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String out = podman("logs", name).out();
        while (!done.test(out) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            out = podman("logs", name).out();
        }
        assertTrue(done.test(out), what + ": " + out);
        return out;
    }
}
