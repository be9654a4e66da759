package io.cocoon.network.cni;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.NetworkSetup;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VM joins the container's network, in two of the three ways a container gets one:
 *
 * <ol>
 *   <li>the engine made the network namespace (podman, CRI, {@code ctr run --cni}): config.json
 *       names it by path, and every interface in it is wired to the VM ({@link NetnsWiring});
 *   <li>Cocoon runs CNI itself, as RunX does: {@code NETCONF=/path/to/cni.conf,<name>[,<ip>]} in
 *       the process environment, or the annotation {@value #CNI_ANNOTATION} naming a network in
 *       {@code /etc/cni/net.d} (or {@value #CONFDIR_ANNOTATION}): a namespace is made, CNI ADD
 *       runs in it, and it is wired the same way; DEL on teardown.
 * </ol>
 *
 * The third way, no network, needs no driver: the guest has {@code lo} only. Everything made is
 * recorded in {@code network.json} before it is made, so teardown after any crash undoes
 * exactly that.
 */
public final class CniBridge implements NetworkProvider {
    public static final String NAME = "cni-bridge";
    public static final String CNI_ANNOTATION = "io.cocoon.network.cni";
    public static final String CONFDIR_ANNOTATION = "io.cocoon.plugin.cni.confdir";
    static final String STATE = "network.json";

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "the container's network namespace (the engine's, or CNI run by Cocoon) wired to the VM by tap + tc mirred";
    }

    @Override
    public List<HostCheck> check() {
        List<HostCheck> out = new ArrayList<>();
        boolean found = false;
        for (Path d : Cni.pluginDirs) {
            if (Files.isExecutable(d.resolve("bridge")) && Files.isExecutable(d.resolve("host-local"))) {
                out.add(HostCheck.ok("cni plugins", d + " (bridge, host-local)"));
                found = true;
                break;
            }
        }
        if (!found) out.add(HostCheck.warn("cni plugins", "bridge/host-local not found in /usr/lib/cni or /opt/cni/bin").withFix("apt-get install containernetworking-plugins"));
        out.add(Files.isExecutable(Path.of("/usr/sbin/tc")) || Files.isExecutable(Path.of("/sbin/tc"))
                ? HostCheck.ok("tc", "iproute2's tc (the tap is joined to the container's interface by tc mirred)")
                : HostCheck.fail("tc", "not found").withFix("apt-get install iproute2"));
        return out;
    }

    /**
     * Every container with a network namespace of its own: the engine's, one CNI (NETCONF, the
     * annotation) fills, or a new one — made here with a standby NIC, so that a network an engine
     * configures between create and start ({@code ctr run --cni}) can still be attached.
     */
    @Override
    public boolean supports(NetworkRequest r) {
        // a new namespace with no network asked for, started at once (run): lo alone, no standby NIC
        return r.netnsPath() != null || r.lateAttach() || network(r) != null;
    }

    @Override
    public NetworkSetup setup(NetworkRequest r) {
        Path stateFile = r.stateDir().resolve(STATE);
        Map<String, Object> st = new LinkedHashMap<>();
        if (r.hypervisorMakesNics()) st.put("hypervisorMakesNics", true);
        String netns = r.netnsPath();
        Cni.Network cni = network(r);
        if (netns == null) {
            netns = "/run/netns/cocoon-" + shortId(r.stateDir().toAbsolutePath().toString()); // unique per root and id
            if (Files.exists(Path.of(netns))) {
                // a leftover of this root and id that nothing removed: not ours to reuse or delete
                throw new CocoonException("cni-bridge: network namespace " + netns + " already exists (left by a crashed"
                        + " container of this id? ip netns del " + Path.of(netns).getFileName() + ")");
            }
            // recorded before it is made (a create killed in between must not leave it unnamed);
            // it did not exist above, so teardown deletes only what this container made
            st.put("netns", netns);
            st.put("created", true);
            save(stateFile, st);
            Commands.check(List.of("ip", "netns", "add", Path.of(netns).getFileName().toString()));
            if (cni == null) return standby(netns, stateFile, st, !r.hypervisorMakesNics());
            Commands.batch(netns, "ip", List.of("link set lo up"));
        } else {
            st.put("netns", netns);
            st.put("created", false);
            save(stateFile, st);
        }
        Map<String, Object> result = Map.of();
        if (cni != null) {
            st.put("cni", Map.of("config", cni.config(), "ifname", cni.ifname(), "args", cni.args() == null ? "" : cni.args()));
            save(stateFile, st);
            result = Cni.add(cni, r.containerId(), netns);
            Map<String, Object> c = new LinkedHashMap<>(JsonValues.map(st, "cni"));
            c.put("result", result);
            st.put("cni", c);
            save(stateFile, st);
        }
        NetnsWiring.Wired w = NetnsWiring.wire(netns, !r.hypervisorMakesNics(), wires -> {
            List<Object> l = new ArrayList<>();
            for (NetnsWiring.Wire x : wires) l.add(Map.of("dev", x.dev(), "tap", x.tap(), "mtu", x.mtu()));
            st.put("taps", l);
            save(stateFile, st);
        });
        NetworkSetup s = w.setup();
        return new NetworkSetup(s.devices(), s.interfaces(), Cni.nameservers(result), netns, List.of(), Cni.searchDomains(result));
    }

    /**
     * A new namespace with nothing in it yet: {@code lo}, and a tap the VM gets as a NIC that stays
     * down in the guest ({@code standby0}) until {@link #attachLate} finds an interface to join it to;
     * {@code makeTap} false: the hypervisor makes it ({@link #joinNics} brings it up).
     */
    private static NetworkSetup standby(String netns, Path stateFile, Map<String, Object> st, boolean makeTap) {
        String mac = randomMac();
        st.put("taps", List.of(Map.of("tap", STANDBY_TAP, "mac", mac, "standby", true, "mtu", 1500)));
        save(stateFile, st);
        Commands.batch(netns, "ip", makeTap ? List.of("link set lo up", "tuntap add dev " + STANDBY_TAP + " mode tap",
                "link set " + STANDBY_TAP + " up") : List.of("link set lo up"));
        return new NetworkSetup(List.of(new io.cocoon.spi.VmDevice.NetTap(STANDBY_TAP, mac, 1500)),
                List.of(new NetworkSetup.NetInterface("standby0", mac, 1500, List.of(), List.of(), false, null)), List.of(), netns,
                List.of(), List.of());
    }

    static final String STANDBY_TAP = "tap0" + NetnsWiring.TAP_SUFFIX;

    /** A locally administered unicast MAC. */
    static String randomMac() {
        byte[] b = new byte[6];
        new java.security.SecureRandom().nextBytes(b);
        b[0] = (byte) ((b[0] & 0xfc) | 0x02);
        return java.util.HexFormat.ofDelimiter(":").formatHex(b);
    }

    /**
     * The hypervisor's NICs (Xen's vifs, moved into the namespace under the planned tap names by
     * its hotplug script) take the taps' place: joined to their interfaces by the same tc
     * redirects; a standby NIC is only brought up.
     */
    @Override
    public void joinNics(NetworkRequest r) {
        Map<String, Object> st = state(r.stateDir().resolve(STATE));
        if (st == null || !JsonValues.bool(st, "hypervisorMakesNics")) return;
        String netns = JsonValues.string(st, "netns").orElseThrow();
        for (Object o : JsonValues.list(st, "taps")) {
            String tap = JsonValues.string(o, "tap").orElseThrow();
            int mtu = JsonValues.number(o, "mtu").orElse(1500L).intValue();
            if (Commands.run(Commands.in(netns, "ip", "link", "show", "dev", tap), null, null).rc() != 0) {
                throw new CocoonException("cni-bridge: the hypervisor's NIC " + tap + " is not in " + netns + " (its hotplug script did not move it there)");
            }
            String dev = JsonValues.string(o, "dev").orElse(null);
            if (dev == null) Commands.batch(netns, "ip", List.of("link set " + tap + " mtu " + mtu + " up"));
            else NetnsWiring.join(netns, dev, tap, mtu);
        }
    }

    /** network.json, or null when setup recorded nothing. */
    private static Map<String, Object> state(Path stateFile) {
        if (!Files.exists(stateFile)) return null;
        try {
            return new LinkedHashMap<>(Json.parseObject(Files.readString(stateFile)));
        } catch (IOException | RuntimeException e) {
            throw new CocoonException("cni-bridge: " + stateFile + " unreadable: " + e.getMessage());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public NetworkSetup attachLate(NetworkRequest r) {
        Path stateFile = r.stateDir().resolve(STATE);
        Map<String, Object> st = state(stateFile);
        if (st == null) return NetworkSetup.NONE;
        List<Object> taps = JsonValues.list(st, "taps");
        if (taps.size() != 1 || !JsonValues.bool(taps.get(0), "standby") || JsonValues.string(taps.get(0), "dev").isPresent()) {
            return NetworkSetup.NONE;
        }
        String netns = JsonValues.string(st, "netns").orElseThrow();
        List<Map<String, Object>> links = NetnsWiring.links(netns);
        if (links.isEmpty()) return NetworkSetup.NONE; // nobody configured a network: the standby NIC stays down
        Map<String, Object> link = links.get(0);
        String dev = JsonValues.string(link, "ifname").orElseThrow();
        String mac = JsonValues.string(taps.get(0), "mac").orElseThrow();
        Map<String, Object> tap = new LinkedHashMap<>((Map<String, Object>) taps.get(0));
        tap.put("dev", dev);
        st.put("taps", List.of(tap));
        save(stateFile, st);
        NetnsWiring.join(netns, dev, STANDBY_TAP, JsonValues.number(link, "mtu").orElse(1500L).intValue());
        NetworkSetup.NetInterface i = new NetworkSetup.NetInterface(dev, mac, JsonValues.number(link, "mtu").orElse(1500L).intValue(),
                NetnsWiring.addresses(link), NetnsWiring.routes(netns).getOrDefault(dev, List.of()), true,
                JsonValues.string(link, "address").orElseThrow());
        return new NetworkSetup(List.of(), List.of(i), List.of(), netns, List.of(), List.of());
    }

    /** The CNI network this request names, or null (engine's namespace only). */
    static Cni.Network network(NetworkRequest r) {
        String netconf = r.envValue("NETCONF");
        if (netconf != null) {
            String[] f = netconf.split(",");
            if (f.length < 2 || f[0].isBlank() || f[1].isBlank()) {
                throw new CocoonException("NETCONF=" + netconf + ": expected /path/to/cni.conf,<network name>[,<ip>]");
            }
            Path file = Path.of(f[0].strip());
            if (!Files.isRegularFile(file)) throw new CocoonException("NETCONF: " + file + " does not exist");
            String args = null;
            if (f.length > 2 && !f[2].isBlank()) {
                String ip = f[2].strip();
                int slash = ip.indexOf('/');
                args = "IgnoreUnknown=1;IP=" + (slash > 0 ? ip.substring(0, slash) : ip);
            }
            return new Cni.Network(Cni.read(file, f[1].strip()), "eth0", args);
        }
        String name = r.annotations().get(CNI_ANNOTATION);
        if (name == null) return null;
        Path dir = Path.of(r.annotations().getOrDefault(CONFDIR_ANNOTATION, Cni.CONF_DIR.toString()));
        return new Cni.Network(Cni.find(dir, name), "eth0", null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void teardown(NetworkRequest r) {
        Path stateFile = r.stateDir().resolve(STATE);
        Map<String, Object> st = state(stateFile);
        if (st == null) return;
        String netns = JsonValues.string(st, "netns").orElse(null);
        boolean exists = netns != null && Files.exists(Path.of(netns));
        List<NetnsWiring.Wire> wires = new ArrayList<>();
        for (Object o : JsonValues.list(st, "taps")) {
            wires.add(new NetnsWiring.Wire(JsonValues.string(o, "dev").orElse(null), JsonValues.string(o, "tap").orElseThrow()));
        }
        if (exists) NetnsWiring.unwire(netns, wires);
        CocoonException failed = null;
        Map<String, Object> cni = JsonValues.map(st, "cni");
        if (!cni.isEmpty() && netns != null) {
            Cni.Network n = new Cni.Network(JsonValues.map(cni, "config"), JsonValues.string(cni, "ifname").orElse("eth0"),
                    JsonValues.string(cni, "args").filter(a -> !a.isEmpty()).orElse(null));
            try {
                // DEL even when the namespace is gone: it releases the IPAM lease and the rules
                Cni.del(n, JsonValues.map(cni, "result"), r.containerId(), exists ? netns : "");
            } catch (CocoonException e) {
                failed = e;
            }
        }
        if (JsonValues.bool(st, "created") && exists) {
            Commands.Result del = Commands.run(List.of("ip", "netns", "del", Path.of(netns).getFileName().toString()), null, null);
            if (del.rc() != 0 && failed == null) failed = new CocoonException("ip netns del: " + Commands.firstLine(del.err()));
        }
        if (failed != null) throw failed;
        try {
            Files.deleteIfExists(stateFile);
        } catch (IOException e) {
            throw new CocoonException("cni-bridge: cannot remove " + stateFile + ": " + e.getMessage());
        }
    }

    /** CNI CHECK, and that the taps are still wired, for {@code cocoon doctor <id>}. */
    @Override
    public List<HostCheck> check(NetworkRequest r) {
        List<HostCheck> out = new ArrayList<>();
        try {
            Map<String, Object> st = Json.parseObject(Files.readString(r.stateDir().resolve(STATE)));
            String netns = JsonValues.string(st, "netns").orElseThrow();
            for (Object o : JsonValues.list(st, "taps")) {
                String tap = JsonValues.string(o, "tap").orElseThrow();
                String dev = JsonValues.string(o, "dev").orElse(null);
                if (dev == null) {
                    out.add(HostCheck.ok("net standby", tap + " waits for an interface (none was configured)"));
                    continue;
                }
                String filters = Commands.check(Commands.in(netns, "tc", "filter", "show", "dev", dev, "ingress"));
                out.add(filters.contains("mirred") && filters.contains(tap) ? HostCheck.ok("net " + dev, "redirected to " + tap)
                        : HostCheck.fail("net " + dev, "its tc redirect to " + tap + " is gone").withFix("the namespace was changed under the container: delete --force and recreate it"));
            }
            Map<String, Object> cni = JsonValues.map(st, "cni");
            if (!cni.isEmpty()) {
                Cni.Network n = new Cni.Network(JsonValues.map(cni, "config"), JsonValues.string(cni, "ifname").orElse("eth0"),
                        JsonValues.string(cni, "args").filter(a -> !a.isEmpty()).orElse(null));
                try {
                    Cni.check(n, JsonValues.map(cni, "result"), r.containerId(), netns);
                    out.add(HostCheck.ok("cni " + n.name(), "CHECK passed"));
                } catch (CocoonException e) {
                    out.add(HostCheck.fail("cni " + n.name(), e.getMessage()).withFix("compare the network config with the running container (CNI CHECK above); recreate the container to re-run ADD"));
                }
            }
        } catch (IOException | RuntimeException e) {
            out.add(HostCheck.warn("network", "no network state: " + e.getMessage()).withFix("the container was created without Cocoon networking, or its state was removed: recreate it"));
        }
        return out;
    }

    static String shortId(String id) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void save(Path file, Map<String, Object> st) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.pretty(st));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CocoonException("cni-bridge: cannot write " + file + ": " + e.getMessage());
        }
    }
}
