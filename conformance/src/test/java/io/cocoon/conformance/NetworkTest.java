package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Networking (issue 9): the VM joins the container's network — CNI run by Cocoon (RunX's NETCONF,
 * or a network named by annotation), the engine's namespace (PodmanTest, ContainerdTest), or none —
 * and after delete, or kill -9 and delete --force, nothing of it is left.
 */
@Timeout(300)
class NetworkTest extends CniFixture {
    @Test
    void netconfGivesTheCniAddressBothWays() throws Exception {
        Bundle b = server("web", List.of("NETCONF=" + conf + ",cocoontest"));
        Cocoon.Result created = cocoon.runIn(b.dir(), "create", "nc1");
        assertEquals(0, created.rc(), created::toString);
        assertEquals(0, cocoon.run("start", "nc1").rc());
        Cocoon.Result addr = cocoon.run("exec", "nc1", "ip", "-4", "-o", "addr", "show", "eth0");
        assertTrue(addr.out().contains("inet " + prefix), () -> addr + "\n" + logs("nc1"));
        String ip = addr.out().replaceAll("(?s).*inet (\\S+)/.*", "$1");
        assertEquals("hello-web\n", get("http://" + ip + ":8080/"), "the host reaches busybox httpd in the VM");
        // a server on the bridge's gateway address: the container reaches it
        try (var srv = java.nio.channels.ServerSocketChannel.open()) {
            srv.bind(new InetSocketAddress(prefix + "1", 0));
            int port = ((InetSocketAddress) srv.getLocalAddress()).getPort();
            Thread t = Thread.ofVirtual().start(() -> {
                try (var ch = srv.accept()) {
                    ch.write(java.nio.ByteBuffer.wrap("from-the-gateway\n".getBytes()));
                } catch (IOException ignored) {
                    // the assertion below says it
                }
            });
            Cocoon.Result r = cocoon.run("exec", "nc1", "sh", "-c", "nc -w 5 " + prefix + "1 " + port + " </dev/null");
            t.join(5000);
            assertEquals("from-the-gateway\n", r.out(), r::toString);
        }
        String routes = cocoon.run("exec", "nc1", "ip", "route").out();
        assertTrue(routes.contains("default via " + prefix + "1 dev eth0"), routes);
        // no engine bind-mounts a resolv.conf here: the CNI result's DNS is the guest's
        assertEquals("nameserver " + prefix + "1\nsearch cocoon.test\n", cocoon.run("exec", "nc1", "cat", "/etc/resolv.conf").out());
        assertEquals(0, cocoon.run("delete", "--force", "nc1").rc());
        nothingLeft("nc1");
    }

    @Test
    void aStaticAddressAndANetworkNamedByAnnotation() throws Exception {
        Bundle b = server("stat", List.of("NETCONF=" + conf + ",cocoontest," + prefix + "77/24"));
        assertEquals(0, cocoon.runIn(b.dir(), "create", "st1").rc());
        assertEquals(0, cocoon.run("start", "st1").rc());
        assertEquals("hello-stat\n", get("http://" + prefix + "77:8080/"));
        Bundle a = server("ann", List.of());
        a.edit(c -> c.put("annotations", Map.of("io.cocoon.network.cni", "cocoontest",
                "io.cocoon.plugin.cni.confdir", conf.getParent().toString())));
        assertEquals(0, cocoon.runIn(a.dir(), "create", "an1").rc());
        assertEquals(0, cocoon.run("start", "an1").rc());
        String ip = cocoon.run("exec", "an1", "ip", "-4", "-o", "addr", "show", "eth0").out().replaceAll("(?s).*inet (\\S+)/.*", "$1");
        assertEquals("hello-ann\n", get("http://" + ip + ":8080/"));
        Cocoon.Result two = cocoon.run("exec", "an1", "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + prefix + "77 8080");
        assertTrue(two.out().contains("hello-stat"), "two VMs on one bridge reach each other: " + two);
        Cocoon.Result doctor = cocoon.run("doctor", "an1");
        assertTrue(doctor.out().contains("CHECK passed") && doctor.out().contains("redirected to tap0_cc"), doctor::toString);
        assertEquals(0, cocoon.run("delete", "--force", "st1").rc());
        assertEquals(0, cocoon.run("delete", "--force", "an1").rc());
        nothingLeft("st1");
        nothingLeft("an1");
    }

    @Test
    void killedMonitorOrHypervisorThenDeleteForceLeavesNothing() throws Exception {
        for (String victim : List.of("monitor", "qemu")) {
            String id = "kill-" + victim;
            Bundle b = server(id, List.of("NETCONF=" + conf + ",cocoontest"));
            assertEquals(0, cocoon.runIn(b.dir(), "create", id).rc());
            long pid = victim.equals("monitor") ? ((Number) state(id).get("pid")).longValue()
                    : Long.parseLong(Files.readString(cocoon.root().resolve(id + "/qemu.pid")).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            Thread.sleep(700);
            assertEquals(0, cocoon.run("delete", "--force", id).rc());
            nothingLeft(id);
        }
    }

    @Test
    void aNewNamespaceGivesOnlyLoAndNoNamespaceIsRefused() throws Exception {
        // only lo: the standby NIC an engine's late CNI run (ctr --cni) would attach waits out of sight
        Bundle b = bundle("sh", "-c", "ls /sys/class/net; ip -o link | wc -l");
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "lo1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("lo\n1\n", r.out());
        nothingLeft("lo1");
        b.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            List<Object> ns = new ArrayList<>(Bundle.list(linux, "namespaces"));
            ns.removeIf(n -> "network".equals(((Map<?, ?>) n).get("type")));
            linux.put("namespaces", ns);
        });
        Bundle wrong = namedBundle("wrong", "true");
        wrong.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            List<Object> nss = new ArrayList<>();
            for (Object n : Bundle.list(linux, "namespaces")) {
                nss.add("network".equals(((Map<?, ?>) n).get("type")) ? Map.of("type", "network", "path", "/proc/self/ns/ipc") : n);
            }
            linux.put("namespaces", nss);
        });
        Cocoon.Result kind = cocoon.runIn(wrong.dir(), "create", "kind1");
        assertEquals(1, kind.rc(), kind::toString);
        assertEquals("linux.namespaces[1].path: /proc/self/ns/ipc is a namespace of kind ipc, not net (type network)", kind.err().strip());
        assertFalse(Files.exists(cocoon.root().resolve("kind1")));
        long t0 = System.nanoTime();
        Cocoon.Result host = cocoon.runIn(b.dir(), "run", "host1");
        assertEquals(1, host.rc(), host::toString);
        assertTrue(host.err().contains("no network namespace") && host.err().lines().count() == 1, host::toString);
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000);
    }

    /** An engine namespace with more interfaces than microvm has transports: refused at create, at once. */
    @Test
    void tooManyInterfacesFailAtCreateInOneLine() throws Exception {
        String ns = "cocoontst-" + ProcessHandle.current().pid();
        assertEquals(0, Cocoon.exec(List.of("ip", "netns", "add", ns), tmp, null, Duration.ofSeconds(10)).rc());
        try {
            for (int i = 0; i < 4; i++) { // veth pairs: 8 ethernet interfaces (this kernel has no dummy driver)
                Cocoon.Result v = Cocoon.exec(List.of("ip", "-n", ns, "link", "add", "va" + i, "type", "veth", "peer", "name", "vb" + i),
                        tmp, null, Duration.ofSeconds(10));
                assertEquals(0, v.rc(), v::toString);
            }
            Bundle b = bundle("true");
            b.edit(c -> {
                Map<String, Object> linux = Bundle.obj(c, "linux");
                List<Object> nss = new ArrayList<>();
                for (Object n : Bundle.list(linux, "namespaces")) {
                    nss.add("network".equals(((Map<?, ?>) n).get("type")) ? Map.of("type", "network", "path", "/run/netns/" + ns) : n);
                }
                linux.put("namespaces", nss);
            });
            long t0 = System.nanoTime();
            Cocoon.Result r = cocoon.runIn(b.dir(), "create", "budget1");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, r.rc(), r::toString);
            assertTrue(r.err().strip().equals("the VM needs 10 virtio devices (agent channel 1, shares 1, NICs 8, disks 0) but QEMU's"
                    + " microvm has 8 virtio-mmio transports: use fewer network interfaces or disks"), r::toString);
            assertTrue(ms < 3000, "refused at create, not after a boot timeout: " + ms + " ms");
            String links = Cocoon.exec(List.of("ip", "-n", ns, "link"), tmp, null, Duration.ofSeconds(10)).out();
            assertFalse(links.contains("_cc"), "no tap is left in the engine's namespace: " + links);
            assertFalse(Files.exists(cocoon.root().resolve("budget1")));
        } finally {
            Cocoon.exec(List.of("ip", "netns", "del", ns), tmp, null, Duration.ofSeconds(10));
        }
    }
}
