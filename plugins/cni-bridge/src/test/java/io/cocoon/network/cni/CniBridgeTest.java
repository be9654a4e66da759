package io.cocoon.network.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.NetworkSetup;
import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNI side of cni-bridge without a network: which network a request names (RunX's NETCONF,
 * the annotation), reading configurations, and the plugin protocol against scripted plugins
 * (environment, prevResult chaining, DEL in reverse, the plugin's own error quoted). The wiring
 * itself needs a VM: conformance's NetworkTest (one test here wires a namespace, as root, without one).
 */
class CniBridgeTest {
    @TempDir Path tmp;
    final List<Path> defaultDirs = Cni.pluginDirs;

    @AfterEach
    void restore() {
        Cni.pluginDirs = defaultDirs;
    }

    NetworkRequest request(Map<String, String> ann, String... env) {
        return new NetworkRequest("c1", tmp, null, ann, List.of(env));
    }

    Path conf(String file, String json) throws IOException {
        Path f = tmp.resolve("net.d").resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, json);
        return f;
    }

    @Test
    void servesEveryRequestAndChecksTheHostTools() {
        CniBridge c = new CniBridge();
        assertTrue(c.supports(request(Map.of())), "a new namespace gets lo and a standby NIC");
        assertFalse(c.supports(new io.cocoon.spi.NetworkRequest("c1", tmp, null, Map.of(), List.of(), false)),
                "run starts at once: nothing can attach later, so no standby NIC and no namespace");
        assertTrue(c.supports(new io.cocoon.spi.NetworkRequest("c1", tmp, "/run/netns/x", Map.of(), List.of(), false)),
                "an engine's namespace is always joined");
        assertFalse(c.check().isEmpty());
        c.teardown(request(Map.of())); // nothing recorded: nothing to do
    }

    @Test
    void netconfNamesAFileANetworkAndAnAddress() throws IOException {
        Path f = conf("10-a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"alpha\",\"type\":\"bridge\"}");
        Cni.Network n = CniBridge.network(request(Map.of(), "PATH=/bin", "NETCONF=" + f + ",alpha,10.1.2.3/24"));
        assertEquals("alpha", n.name());
        assertEquals("eth0", n.ifname());
        assertEquals("IgnoreUnknown=1;IP=10.1.2.3", n.args());
        assertNull(CniBridge.network(request(Map.of(), "NETCONF=" + f + ",alpha")).args());
        assertNull(CniBridge.network(request(Map.of())), "no NETCONF, no annotation: the engine's namespace only");

        CocoonException e = assertThrows(CocoonException.class, () -> CniBridge.network(request(Map.of(), "NETCONF=" + f)));
        assertTrue(e.getMessage().contains("expected /path/to/cni.conf,<network name>"), e.getMessage());
        e = assertThrows(CocoonException.class, () -> CniBridge.network(request(Map.of(), "NETCONF=/nope.conf,alpha")));
        assertTrue(e.getMessage().contains("/nope.conf does not exist"), e.getMessage());
        e = assertThrows(CocoonException.class, () -> CniBridge.network(request(Map.of(), "NETCONF=" + f + ",beta")));
        assertTrue(e.getMessage().contains("is network \"alpha\", not \"beta\""), e.getMessage());
    }

    @Test
    void theAnnotationFindsANetworkByNameInTheConfigurationDirectory() throws IOException {
        conf("00-broken.conf", "{not json");
        conf("10-other.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"other\",\"plugins\":[{\"type\":\"bridge\"}]}");
        conf("20-mine.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"mine\",\"plugins\":[{\"type\":\"bridge\"},{\"type\":\"firewall\"}]}");
        Map<String, String> ann = Map.of(CniBridge.CNI_ANNOTATION, "mine", CniBridge.CONFDIR_ANNOTATION, tmp.resolve("net.d").toString());
        Cni.Network n = CniBridge.network(request(ann));
        assertEquals("mine", n.name());
        assertEquals(2, n.plugins().size());
        CocoonException e = assertThrows(CocoonException.class, () -> CniBridge.network(request(
                Map.of(CniBridge.CNI_ANNOTATION, "absent", CniBridge.CONFDIR_ANNOTATION, tmp.resolve("net.d").toString()))));
        assertTrue(e.getMessage().contains("CNI network \"absent\" not found in"), e.getMessage());
        conf("30-typeless.conf", "{\"name\":\"typeless\"}");
        e = assertThrows(CocoonException.class, () -> Cni.read(tmp.resolve("net.d/30-typeless.conf"), null));
        assertTrue(e.getMessage().contains("neither \"type\" nor \"plugins\""), e.getMessage());
    }

    /** A plugin that records its environment and stdin, then prints {@code out} (and exits {@code rc}). */
    void plugin(String type, String out, int rc) throws IOException {
        Path dir = tmp.resolve("bin");
        Files.createDirectories(dir);
        Path f = dir.resolve(type);
        Files.writeString(f, """
                #!/bin/sh
                log=%s/calls
                echo "$CNI_COMMAND %s $CNI_CONTAINERID $CNI_NETNS $CNI_IFNAME ${CNI_ARGS:-}" >> $log
                cat > %s/stdin-%s-$CNI_COMMAND
                printf '%%s' '%s'
                exit %d
                """.formatted(tmp, type, tmp, type, out, rc));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cni.pluginDirs = List.of(dir);
    }

    @Test
    void addChainsResultsAndDelRunsInReverseQuotingThePluginsError() throws IOException {
        String result = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.5.0.7/16\"}],"
                + "\"dns\":{\"nameservers\":[\"10.5.0.1\"],\"search\":[\"example\"]}}";
        plugin("first", result, 0);
        plugin("second", "", 0); // prints nothing: the previous result stands
        Cni.Network n = new Cni.Network(Json.parseObject(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"chain\",\"plugins\":[{\"type\":\"first\",\"x\":1},{\"type\":\"second\"}]}"),
                "eth0", "IgnoreUnknown=1;IP=10.5.0.7");
        Map<String, Object> r = Cni.add(n, "c1", "/run/netns/x");
        assertEquals(List.of("10.5.0.1"), Cni.nameservers(r));
        assertEquals(List.of("example"), Cni.searchDomains(r));
        Map<String, Object> second = Json.parseObject(Files.readString(tmp.resolve("stdin-second-ADD")));
        assertEquals("chain", second.get("name"));
        assertEquals("1.0.0", second.get("cniVersion"));
        assertTrue(second.containsKey("prevResult"), "the second plugin gets the first's result");
        assertFalse(Json.parseObject(Files.readString(tmp.resolve("stdin-first-ADD"))).containsKey("prevResult"));

        plugin("first", "{\"code\":11,\"msg\":\"boom\",\"details\":\"no lease\"}", 1);
        CocoonException e = assertThrows(CocoonException.class, () -> Cni.del(n, r, "c1", "/run/netns/x"));
        assertEquals("CNI first DEL for network chain failed: boom: no lease", e.getMessage());
        List<String> calls = Files.readAllLines(tmp.resolve("calls"));
        assertEquals(List.of("ADD first c1 /run/netns/x eth0 IgnoreUnknown=1;IP=10.5.0.7",
                "ADD second c1 /run/netns/x eth0 IgnoreUnknown=1;IP=10.5.0.7",
                "DEL second c1 /run/netns/x eth0 IgnoreUnknown=1;IP=10.5.0.7",
                "DEL first c1 /run/netns/x eth0 IgnoreUnknown=1;IP=10.5.0.7"), calls, "DEL in reverse, every plugin called");
    }

    @Test
    void aMissingPluginAndANonJsonFailureAreNamed() throws IOException {
        Cni.pluginDirs = List.of(tmp.resolve("empty"));
        Cni.Network n = new Cni.Network(Json.parseObject("{\"name\":\"n\",\"type\":\"ghost\"}"), "eth0", null);
        CocoonException e = assertThrows(CocoonException.class, () -> Cni.add(n, "c1", "/x"));
        assertTrue(e.getMessage().startsWith("CNI plugin \"ghost\" not found in"), e.getMessage());
        plugin("ghost", "", 2);
        e = assertThrows(CocoonException.class, () -> Cni.add(n, "c1", "/x"));
        assertTrue(e.getMessage().startsWith("CNI ghost ADD for network n failed"), e.getMessage());
        assertEquals("plain words", Cni.error("plain words\nmore"));
    }

    @Test
    void aRandomMacIsLocallyAdministeredUnicast() {
        for (int i = 0; i < 50; i++) {
            String mac = CniBridge.randomMac();
            assertTrue(mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}"), mac);
            int first = Integer.parseInt(mac.substring(0, 2), 16);
            assertEquals(2, first & 3, mac);
        }
    }

    @Test
    void attachLateWithoutAStandbyNicAttachesNothing() throws IOException {
        assertEquals(NetworkSetup.NONE, new CniBridge().attachLate(request(Map.of())), "no state: nothing was set up");
        Files.writeString(tmp.resolve(CniBridge.STATE), "{\"netns\":\"/run/netns/x\",\"taps\":[{\"dev\":\"eth0\",\"tap\":\"tap0_cc\"}]}");
        assertEquals(NetworkSetup.NONE, new CniBridge().attachLate(request(Map.of())), "wired at create: nothing late");
    }

    /**
     * A hypervisor that makes its NICs (Xen's vifs): setup plans the taps but makes none, and
     * joinNics wires what the hypervisor put there under those names (taps made by the test stand in
     * for vifs: to tc both are devices). Needs root for namespaces, as the conformance suite does.
     */
    @Test
    void nicsTheHypervisorMakesAreJoinedAfterItMadeThem() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "namespaces need root");
        String ns = "cocoon-ut-" + ProcessHandle.current().pid();
        String path = "/run/netns/" + ns;
        Commands.check(List.of("ip", "netns", "add", ns));
        try {
            Commands.batch(path, "ip", List.of("link add eth0 type veth peer name eth1", "link set eth0 up", "link set eth1 up"));
            NetworkRequest r = new NetworkRequest("c1", tmp, path, Map.of(), List.of(), false).withHypervisorMakesNics(true);
            CniBridge c = new CniBridge();
            NetworkSetup s = c.setup(r);
            assertEquals(List.of("tap0_cc", "tap1_cc"), s.devices().stream().map(d -> ((io.cocoon.spi.VmDevice.NetTap) d).tap()).toList());
            assertFalse(Commands.check(Commands.in(path, "ip", "-o", "link")).contains("_cc"), "no tap made");
            CocoonException e = assertThrows(CocoonException.class, () -> c.joinNics(r));
            assertEquals("cni-bridge: the hypervisor's NIC tap0_cc is not in " + path + " (its hotplug script did not move it there)", e.getMessage());
            Commands.batch(path, "ip", List.of("tuntap add dev tap0_cc mode tap", "tuntap add dev tap1_cc mode tap"));
            c.joinNics(r);
            for (NetworkSetup.NetInterface i : s.interfaces()) {
                // NIC n stands in for interface n: each redirects to the other
                String tap = "tap" + s.interfaces().indexOf(i) + "_cc";
                String f = Commands.check(Commands.in(path, "tc", "filter", "show", "dev", i.guestName(), "ingress"));
                assertTrue(f.contains("mirred") && f.contains("device " + tap + ")"), f);
                f = Commands.check(Commands.in(path, "tc", "filter", "show", "dev", tap, "ingress"));
                assertTrue(f.contains("mirred") && f.contains("device " + i.guestName() + ")"), f);
            }
            assertTrue(Commands.check(Commands.in(path, "ip", "-o", "link", "show", "tap0_cc")).contains(",UP"), "brought up");
            c.teardown(r);
            assertFalse(Commands.check(Commands.in(path, "tc", "qdisc", "show", "dev", "eth0")).contains("ingress"), "teardown unwires");
            assertFalse(Files.exists(tmp.resolve(CniBridge.STATE)));
        } finally {
            Commands.run(List.of("ip", "netns", "del", ns), null, null);
        }
    }
}
