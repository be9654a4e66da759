package io.cocoon.spi;

import java.util.List;

/**
 * What a network driver set up for the VM.
 *
 * @param devices taps for the hypervisor, in the guest's interface order
 * @param interfaces how the guest configures each of them (same order)
 * @param dns name servers for the guest's /etc/resolv.conf when the engine bind-mounts none;
 *     may be empty
 * @param netnsPath the network namespace the hypervisor must run in (where the taps are), or
 *     null for none (a VM with only {@code lo})
 * @param kernelParams extra guest kernel command-line parameters (e.g. {@code ip=...})
 * @param searchDomains DNS search domains, may be empty
 */
@Stable(since = "1.3")
public record NetworkSetup(List<VmDevice> devices, List<NetInterface> interfaces, List<String> dns, String netnsPath,
                           List<String> kernelParams, List<String> searchDomains) {
    public static final NetworkSetup NONE = new NetworkSetup(List.of(), List.of(), List.of(), null, List.of(), List.of());

    public NetworkSetup {
        devices = List.copyOf(devices);
        interfaces = List.copyOf(interfaces);
        dns = List.copyOf(dns);
        kernelParams = List.copyOf(kernelParams);
        searchDomains = List.copyOf(searchDomains);
    }

    /**
     * One guest interface, found in the guest by its MAC.
     *
     * @param guestName the name it gets in the guest ({@code eth0})
     * @param mac the MAC the guest's NIC has (the hypervisor gave it)
     * @param addresses CIDR addresses, IPv4 and IPv6, e.g. {@code 10.88.0.5/16}, {@code fd00::5/64}
     * @param routes routes through it, the default route among them
     * @param up whether to bring it up (a standby NIC stays down until it is attached)
     * @param newMac a MAC to give the guest's NIC (a standby NIC takes the attached interface's), or null
     */
    public record NetInterface(String guestName, String mac, int mtu, List<String> addresses, List<Route> routes, boolean up,
                               String newMac) {
        public NetInterface {
            addresses = List.copyOf(addresses);
            routes = List.copyOf(routes);
        }

        /** An interface to bring up as it is. */
        public NetInterface(String guestName, String mac, int mtu, List<String> addresses, List<Route> routes) {
            this(guestName, mac, mtu, addresses, routes, true, null);
        }
    }

    /**
     * @param destination a CIDR, or {@code default} (IPv4) / {@code default6} (IPv6)
     * @param gateway the next hop, or null for a directly connected route
     */
    public record Route(String destination, String gateway) {}
}
