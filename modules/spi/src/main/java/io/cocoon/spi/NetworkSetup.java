package io.cocoon.spi;

import java.util.List;

/**
 * @param devices taps for the hypervisor
 * @param interfaces how the guest configures each interface, in device order
 * @param dns name servers for the guest, may be empty
 */
public record NetworkSetup(List<VmDevice> devices, List<NetInterface> interfaces, List<String> dns) {
    public static final NetworkSetup NONE = new NetworkSetup(List.of(), List.of(), List.of());

    /**
     * @param addresses CIDR addresses, e.g. {@code 10.88.0.5/16}
     * @param gateway default route, or null
     */
    public record NetInterface(String guestName, String mac, int mtu, List<String> addresses, String gateway) {}
}
