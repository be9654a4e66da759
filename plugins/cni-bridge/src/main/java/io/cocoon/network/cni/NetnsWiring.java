package io.cocoon.network.cni;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.NetworkSetup;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kata's "tcfilter" model, as verified on these machines (shared/net-lab): for every interface
 * of the container's network namespace, a tap in the same namespace, joined to it by a tc
 * ingress qdisc and a {@code mirred egress redirect} filter in each direction. The hypervisor
 * attaches the tap as the guest's NIC with the interface's MAC, so the guest owns the addresses
 * the engine or CNI gave the interface: ARP, the engine's port forwards and routes work
 * unchanged. Interfaces, addresses and routes are read from the namespace itself (the only
 * source when an engine made it; a CNI 0.2.0 result has no MAC anyway).
 */
final class NetnsWiring {
    /** Our taps' names end so: they are never mistaken for an engine's interface. */
    static final String TAP_SUFFIX = "_cc";

    private NetnsWiring() {}

    /** One wired interface: the engine's (or CNI's) device, our tap and its MTU (0: unknown). */
    record Wire(String dev, String tap, int mtu) {
        Wire(String dev, String tap) {
            this(dev, tap, 0);
        }
    }

    record Wired(List<Wire> wires, NetworkSetup setup) {}

    /** The interfaces of {@code netns} the guest should have: ethernet links, not lo, not ours. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> links(String netns) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(Commands.check(Commands.in(netns, "ip", "-j", "-d", "addr", "show")))) {
            Map<String, Object> l = (Map<String, Object>) o;
            String name = JsonValues.string(l, "ifname").orElse("");
            if (!"ether".equals(JsonValues.string(l, "link_type").orElse("")) || name.endsWith(TAP_SUFFIX)) continue;
            // a tap or bridge inside the namespace is not an interface the container was given
            String kind = JsonValues.string(JsonValues.map(l, "linkinfo"), "info_kind").orElse("");
            if (kind.equals("tun") || kind.equals("bridge")) continue;
            out.add(l);
        }
        return out;
    }

    /**
     * Wires every interface of {@code netns}; returns what was wired (recorded by the caller
     * before anything else can fail) and what the guest must configure. {@code makeTaps} false:
     * the hypervisor makes the NICs under the planned names (Xen's vifs), and
     * {@link #join} runs once they are there.
     */
    static Wired wire(String netns, boolean makeTaps, java.util.function.Consumer<List<Wire>> record) {
        List<Map<String, Object>> links = links(netns);
        List<Wire> wires = new ArrayList<>();
        List<VmDevice> devices = new ArrayList<>();
        List<NetworkSetup.NetInterface> ifaces = new ArrayList<>();
        Map<String, List<NetworkSetup.Route>> routes = routes(netns);
        int i = 0;
        for (Map<String, Object> l : links) {
            String dev = JsonValues.string(l, "ifname").orElseThrow();
            String mac = JsonValues.string(l, "address").orElseThrow(() -> new CocoonException("interface " + dev + " has no MAC"));
            int mtu = JsonValues.number(l, "mtu").orElse(1500L).intValue();
            String tap = "tap" + i++ + TAP_SUFFIX;
            wires.add(new Wire(dev, tap, mtu));
            record.accept(wires);
            if (makeTaps) {
                Commands.batch(netns, "ip", List.of("tuntap add dev " + tap + " mode tap"));
                join(netns, dev, tap, mtu);
            }
            devices.add(new VmDevice.NetTap(tap, mac, mtu));
            ifaces.add(new NetworkSetup.NetInterface(dev, mac, mtu, addresses(l), routes.getOrDefault(dev, List.of())));
        }
        return new Wired(wires, new NetworkSetup(devices, ifaces, List.of(), netns, List.of(), List.of()));
    }

    /** Joins {@code dev} and an existing {@code tap} both ways (tc ingress + mirred redirect). */
    static void join(String netns, String dev, String tap, int mtu) {
        Commands.batch(netns, "ip", List.of("link set " + tap + " mtu " + mtu + " up"));
        Commands.batch(netns, "tc", List.of(
                "qdisc add dev " + dev + " handle ffff: ingress",
                "filter add dev " + dev + " parent ffff: protocol all u32 match u8 0 0 action mirred egress redirect dev " + tap,
                "qdisc add dev " + tap + " handle ffff: ingress",
                "filter add dev " + tap + " parent ffff: protocol all u32 match u8 0 0 action mirred egress redirect dev " + dev));
    }

    /** Undoes {@link #wire}: the tap (its qdisc goes with it) and the ingress qdisc on the device. */
    static void unwire(String netns, List<Wire> wires) {
        for (Wire w : wires) {
            if (w.dev() != null) Commands.run(Commands.in(netns, "tc", "qdisc", "del", "dev", w.dev(), "handle", "ffff:", "ingress"), null, null);
            Commands.run(Commands.in(netns, "ip", "link", "del", w.tap()), null, null);
        }
    }

    /** Global addresses (link-local ones the guest makes itself). */
    static List<String> addresses(Map<String, Object> link) {
        List<String> out = new ArrayList<>();
        for (Object a : JsonValues.list(link, "addr_info")) {
            String scope = JsonValues.string(a, "scope").orElse("");
            if (!scope.equals("global")) continue;
            out.add(JsonValues.string(a, "local").orElseThrow() + "/" + JsonValues.number(a, "prefixlen").orElse(32L));
        }
        return out;
    }

    /**
     * Routes per device, IPv4 and IPv6, without those the guest's kernel makes itself (the
     * subnet of an address, link-local, multicast).
     */
    @SuppressWarnings("unchecked")
    static Map<String, List<NetworkSetup.Route>> routes(String netns) {
        Map<String, List<NetworkSetup.Route>> out = new java.util.LinkedHashMap<>();
        for (String family : List.of("-4", "-6")) {
            for (Object o : (List<Object>) Json.parse(Commands.check(Commands.in(netns, "ip", "-j", family, "route", "show", "table", "main")))) {
                Map<String, Object> r = (Map<String, Object>) o;
                String proto = JsonValues.string(r, "protocol").orElse("");
                String dst = JsonValues.string(r, "dst").orElse("");
                String type = JsonValues.string(r, "type").orElse("unicast");
                if (proto.equals("kernel") || !type.equals("unicast") || dst.startsWith("fe80:") || dst.startsWith("ff")) continue;
                String dev = JsonValues.string(r, "dev").orElse(null);
                if (dev == null) continue;
                String gw = JsonValues.string(r, "gateway").orElse(null);
                if (dst.equals("default") && family.equals("-6")) dst = "default6";
                out.computeIfAbsent(dev, k -> new ArrayList<>()).add(new NetworkSetup.Route(dst, gw));
            }
        }
        return out;
    }
}
