package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * containerd 1.6 with its runc shim v2 and ctr drive Cocoon as their runc binary
 * ({@code ctr run --runc-binary}), on a private containerd (root, state, socket) started here.
 */
@Tag("engine")
@Timeout(300)
class ContainerdTest {
    static Path work;
    static Path log;
    static Path runtime;
    static Path socket;
    static Path state;
    static final String NS = "cocoon-test";
    static Process containerd;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory(Path.of("/var/tmp"), "cocoon-ctrd");
        log = work.resolve("calls.log");
        runtime = Engines.wrapper(work.resolve("bin"), log);
        state = Path.of("/run/cocoon-test-ctrd-" + ProcessHandle.current().pid());
        socket = state.resolve("containerd.sock");
        Files.writeString(work.resolve("config.toml"), "version = 2\nroot = \"" + work.resolve("root") + "\"\nstate = \""
                + state + "\"\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = \"" + socket + "\"\n");
        containerd = new ProcessBuilder("containerd", "--config", work.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("containerd.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(socket) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertTrue(Files.exists(socket), "containerd started");
        Bundle b = Bundle.busybox(work.resolve("bundle"), "true");
        Path archive = OciImage.archive(b.rootfs(), work, "localhost/busybox:latest");
        Cocoon.Result imp = ctr("images", "import", archive.toString());
        assertEquals(0, imp.rc(), imp::toString);
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (String c : ctr("containers", "ls", "-q").out().split("\n")) {
            if (c.isBlank()) continue;
            ctr("task", "kill", "-s", "SIGKILL", c);
            Thread.sleep(500);
            ctr("task", "delete", c);
            ctr("containers", "rm", c);
        }
        if (containerd != null) {
            containerd.destroy();
            if (!containerd.waitFor(20, TimeUnit.SECONDS)) containerd.destroyForcibly();
        }
        new ProcessBuilder("sh", "-c", "grep ' " + work + "' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount -l")
                .inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        Cocoon.exec(List.of("rm", "-rf", work.toString(), state.toString()), null, null, Duration.ofSeconds(60));
    }

    static Cocoon.Result ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "-n", NS));
        cmd.addAll(List.of(args));
        return Cocoon.exec(cmd, work, null, Duration.ofSeconds(180));
    }

    @Test
    void runRmAndExitCodes() throws Exception {
        Cocoon.Result r = ctr("run", "--runc-binary", runtime.toString(), "--rm", "localhost/busybox:latest", "c1", "echo", "hi");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("hi\n", r.out());
        assertEquals(7, ctr("run", "--runc-binary", runtime.toString(), "--rm", "localhost/busybox:latest", "c2",
                "sh", "-c", "exit 7").rc());
        List<String> calls = Engines.calls(log);
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("--root /run/containerd/runc/cocoon-test --log ")
                && c.contains(" --log-format json create --bundle ")), calls::toString);
        assertTrue(calls.stream().anyMatch(c -> Engines.subcommand(c).equals("delete")), calls::toString);
    }

    @Test
    void detachedTask() throws Exception {
        String rt = runtime.toString();
        assertEquals(0, ctr("run", "--runc-binary", rt, "-d", "localhost/busybox:latest", "d1", "sleep", "1000").rc());
        assertTrue(ctr("task", "ls").out().contains("RUNNING"));
        Cocoon.Result exec = ctr("task", "exec", "--exec-id", "e1", "d1", "sh", "-c", "echo in-exec; exit 4");
        assertEquals(4, exec.rc(), exec::toString);
        assertEquals("in-exec\n", exec.out());
        Cocoon.Result ps = ctr("task", "ps", "d1");
        assertEquals(0, ps.rc(), ps::toString);
        assertEquals(0, ctr("task", "pause", "d1").rc());
        assertTrue(ctr("task", "ls").out().contains("PAUSED"));
        assertEquals(0, ctr("task", "resume", "d1").rc());
        assertEquals(0, ctr("task", "kill", "-s", "SIGKILL", "d1").rc());
        long deadline = System.currentTimeMillis() + 20_000;
        while (!ctr("task", "ls").out().contains("STOPPED") && System.currentTimeMillis() < deadline) Thread.sleep(200);
        assertTrue(ctr("task", "ls").out().contains("STOPPED"));
        assertEquals(0, ctr("task", "delete", "d1").rc());
        assertEquals(0, ctr("containers", "rm", "d1").rc());
        List<String> calls = Engines.calls(log);
        assertTrue(calls.stream().anyMatch(c -> c.contains(" ps --format json d1")), calls::toString);
        assertTrue(calls.stream().anyMatch(c -> c.contains(" exec --process ") && c.contains(" --detach --pid-file ")), calls::toString);
    }

    @Test
    void terminal() {
        String line = "ctr --address " + socket + " -n cocoon-test run --runc-binary " + runtime
                + " -t --rm localhost/busybox:latest t1 sh -c 'tty; echo tty-ok'";
        Cocoon.Result r = Cocoon.exec(List.of("script", "-qec", line, "/dev/null"), work, null, Duration.ofSeconds(120));
        assertTrue(r.out().contains("/dev/pts/") && r.out().contains("tty-ok"), r::toString);
    }

    /** RunX's mount forms: options=rbind:ro and ro:noexec (issue 14). */
    @Test
    void runxMountOptionForms() throws Exception {
        Path src = work.resolve("runx-src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("f"), "from the host\n");
        Files.writeString(src.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        src.resolve("run.sh").toFile().setExecutable(true);
        Cocoon.Result r = ctr("run", "--runc-binary", runtime.toString(), "--rm",
                "--mount", "type=bind,src=" + src + ",dst=/host,options=rbind:ro",
                "--mount", "type=bind,src=" + src + ",dst=/noexec,options=ro:noexec",
                "localhost/busybox:latest", "mnt1", "sh", "-c",
                "cat /host/f; echo x > /host/g 2>/dev/null || echo ro; /host/run.sh; /noexec/run.sh 2>/dev/null || echo noexec");
        assertEquals(0, r.rc(), r::toString);
        assertEquals(List.of("from the host", "ro", "ran", "noexec"), r.out().lines().toList(), r::toString);
        assertTrue(!Files.exists(src.resolve("g")));
    }

    /**
     * {@code ctr run --cni}: ctr runs CNI itself (the first network in /etc/cni/net.d, plugins in
     * /opt/cni/bin) into the namespace it hands Cocoon; the VM takes that address (issue 9).
     */
    @Test
    void ctrRunCniGivesTheVmTheAddress() throws Exception {
        Path bin = Path.of("/opt/cni/bin");
        boolean linked = false;
        if (!Files.exists(bin.resolve("bridge"))) {
            // Debian installs the plugins in /usr/lib/cni; ctr looks in /opt/cni/bin only
            Files.createDirectories(bin.getParent());
            if (!Files.exists(bin)) {
                Files.createSymbolicLink(bin, Path.of("/usr/lib/cni"));
                linked = true;
            }
        }
        dropLeases("cni1"); // a lease an earlier, killed run of this test left
        try {
            Cocoon.Result run = ctr("run", "--cni", "--runc-binary", runtime.toString(), "-d", "localhost/busybox:latest", "cni1",
                    "sh", "-c", "echo hello-ctr-cni > /tmp/index.html && httpd -f -p 8080 -h /tmp");
            assertEquals(0, run.rc(), run::toString);
            Cocoon.Result addr = ctr("task", "exec", "--exec-id", "ip1", "cni1", "ip", "-4", "-o", "addr", "show", "eth0");
            assertTrue(addr.out().contains("inet "), addr::toString);
            String ip = addr.out().replaceAll("(?s).*inet (\\S+)/.*", "$1");
            String body = "";
            for (int i = 0; i < 40 && !body.contains("hello"); i++) {
                body = Cocoon.exec(List.of("curl", "-s", "-m", "3", "http://" + ip + ":8080/"), work, null, Duration.ofSeconds(10)).out();
                if (!body.contains("hello")) Thread.sleep(250);
            }
            assertEquals("hello-ctr-cni\n", body, "the host reaches the VM at its CNI address " + ip);
        } finally {
            ctr("task", "kill", "-s", "SIGKILL", "cni1");
            Thread.sleep(1000);
            ctr("task", "delete", "cni1");
            ctr("containers", "rm", "cni1");
            if (linked) Files.deleteIfExists(bin);
        }
        // ctr (containerd 1.6) runs no CNI DEL at task delete, with runc too (cmd/ctr/commands/tasks/delete.go):
        // the lease is ctr's to leak; what Cocoon made (its namespace, its taps) must be gone
        dropLeases("cni1");
        String netns = Cocoon.exec(List.of("ip", "netns", "list"), work, null, Duration.ofSeconds(10)).out();
        assertTrue(!netns.contains("cocoon-"), "no namespace of Cocoon's is left: " + netns);
    }

    /** host-local IPAM lease files (in /var/lib/cni/networks) held by the container {@code id} of this namespace. */
    static List<Path> leases(String id) throws IOException {
        Path dir = Path.of("/var/lib/cni/networks");
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.walk(dir, 2)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.readString(f).contains(NS + "-" + id);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }

    static void dropLeases(String id) throws IOException {
        for (Path f : leases(id)) Files.deleteIfExists(f);
    }
}
