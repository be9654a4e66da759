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
 * A CNI bridge network of the test's own (bridge {@value #BRIDGE}, a subnet per run, host-local
 * IPAM in the test's directory) and the checks that nothing of it is left: shared by the
 * networking and pod tests.
 */
abstract class CniFixture extends VmTest {
    static final String BRIDGE = "cocoontst0";
    Path ipam;
    String subnet;
    String prefix;
    Path conf;

    @BeforeEach
    void network() throws IOException {
        // a subnet of its own per test class run: 10.99.<pid % 200 + 20>.0/24, away from podman's 10.88
        int third = (int) (ProcessHandle.current().pid() % 200) + 20;
        prefix = "10.99." + third + ".";
        subnet = prefix + "0/24";
        ipam = tmp.resolve("ipam");
        conf = tmp.resolve("cni/10-cocoontest.conflist");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, """
                {"cniVersion": "1.0.0", "name": "cocoontest", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true,
                   "dns": {"nameservers": ["%s1"], "search": ["cocoon.test"]},
                   "ipam": {"type": "host-local", "subnet": "%s", "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}},
                  {"type": "firewall"}]}
                """.formatted(BRIDGE, prefix, subnet, ipam));
    }

    @AfterEach
    void bridgeGone() {
        Cocoon.exec(List.of("ip", "link", "del", BRIDGE), tmp, null, Duration.ofSeconds(10));
    }

    /** What must be gone once the container is: namespaces, ports on the bridge, leases, iptables rules. */
    void nothingLeft(String id) throws IOException {
        String netns = Cocoon.exec(List.of("ip", "netns", "list"), tmp, null, Duration.ofSeconds(10)).out();
        assertFalse(netns.contains("cocoon-"), "no namespace of Cocoon's is left: " + netns);
        String ports = Cocoon.exec(List.of("ip", "link", "show", "master", BRIDGE), tmp, null, Duration.ofSeconds(10)).out();
        assertEquals("", ports.strip(), "no veth is left on the bridge");
        if (Files.isDirectory(ipam.resolve("cocoontest"))) try (var s = Files.list(ipam.resolve("cocoontest"))) {
            List<String> leases = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
            assertEquals(List.of(), leases, "the IPAM lease is released");
        }
        String rules = Cocoon.exec(List.of("iptables-save"), tmp, null, Duration.ofSeconds(10)).out();
        assertFalse(rules.contains(id), "no iptables rule names the container");
        assertFalse(Files.exists(cocoon.root().resolve(id)));
    }

    /** The container's monitor log and guest console, for a failure message. */
    String logs(String id) {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("monitor.log", "console.log", "hypervisor.log")) {
            try {
                sb.append("--- ").append(f).append('\n').append(Files.readString(cocoon.root().resolve(id).resolve(f)));
            } catch (IOException e) {
                sb.append("--- ").append(f).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    static String get(String url) throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Exception last = null;
        for (int i = 0; i < 20; i++) {
            try {
                return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw last;
    }

    Bundle server(String name, List<String> env) throws IOException {
        Bundle b = namedBundle(name, "httpd", "-f", "-p", "8080", "-h", "/www");
        Files.createDirectories(b.rootfs().resolve("www"));
        Files.writeString(b.rootfs().resolve("www/index.html"), "hello-" + name + "\n");
        b.edit(c -> {
            Map<String, Object> p = Bundle.obj(c, "process");
            List<Object> e = new ArrayList<>(Bundle.list(p, "env"));
            e.addAll(env);
            p.put("env", e);
        });
        return b;
    }
}
