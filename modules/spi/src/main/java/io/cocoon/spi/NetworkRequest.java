package io.cocoon.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a network driver is asked to set up for one container.
 *
 * @param netnsPath the network namespace the engine prepared (podman, CRI, {@code ctr --cni}),
 *     or null when the spec asks for a new one
 * @param env the container process's environment (RunX's {@code NETCONF=...} is there)
 * @param annotations the spec's annotations (e.g. the CNI network to join)
 * @param lateAttach whether an engine may still set up the container's network between create
 *     and start ({@code ctr run --cni} does); false for {@code run}, which starts at once, so a
 *     new namespace with no network asked for needs nothing kept in reserve
 * @param hypervisorMakesNics the chosen hypervisor makes the NICs itself
 *     ({@link Hypervisor.Feature#MAKES_NICS}): plan them as {@link VmDevice.NetTap}s, but make no
 *     tap; they appear, under those names, once the VM is launched, and {@link NetworkProvider#joinNics}
 *     joins them (since 1.7)
 */
@Stable(since = "1.0")
public record NetworkRequest(String containerId, Path stateDir, String netnsPath, Map<String, String> annotations,
                             List<String> env, boolean lateAttach, boolean hypervisorMakesNics) {
    public NetworkRequest {
        annotations = Map.copyOf(annotations);
        env = List.copyOf(env);
    }

    /** SPI 1.3's shape: the network driver makes the taps. */
    public NetworkRequest(String containerId, Path stateDir, String netnsPath, Map<String, String> annotations,
                          List<String> env, boolean lateAttach) {
        this(containerId, stateDir, netnsPath, annotations, env, lateAttach, false);
    }

    /** This request for a hypervisor that does, or does not, make its NICs itself. */
    public NetworkRequest withHypervisorMakesNics(boolean makes) {
        return new NetworkRequest(containerId, stateDir, netnsPath, annotations, env, lateAttach, makes);
    }

    /** SPI 1.0's shape: no environment. */
    public NetworkRequest(String containerId, Path stateDir, String netnsPath, Map<String, String> annotations) {
        this(containerId, stateDir, netnsPath, annotations, List.of(), true, false);
    }

    public NetworkRequest(String containerId, Path stateDir, String netnsPath, Map<String, String> annotations, List<String> env) {
        this(containerId, stateDir, netnsPath, annotations, env, true, false);
    }

    /** The value of {@code name=...} in the process environment, or null. */
    public String envValue(String name) {
        for (String e : env) if (e.startsWith(name + "=")) return e.substring(name.length() + 1);
        return null;
    }
}
