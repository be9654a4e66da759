package io.cocoon.spi;

import java.util.List;

/**
 * Sets up a sandbox network: typically a tap device the hypervisor attaches, wired to the
 * container's network namespace or to a CNI network, and the addresses the guest uses.
 */
@Stable(since = "1.0")
public interface NetworkProvider extends Driver {
    /** Whether this driver should serve the request (by annotation, netns, configuration). */
    boolean supports(NetworkRequest request);

    NetworkSetup setup(NetworkRequest request);

    /** Removes everything {@link #setup} made; idempotent, safe after a crash. */
    void teardown(NetworkRequest request);

    /**
     * Called before the container starts: interfaces that appeared in the container's network
     * namespace since {@link #setup} (e.g. {@code ctr run --cni} runs CNI between create and
     * start) are attached to the VM — typically through a standby NIC {@link #setup} prepared —
     * and returned for the guest to configure. The default attaches nothing.
     */
    @Experimental("late attachment through a standby NIC; hotplug may replace it")
    default NetworkSetup attachLate(NetworkRequest request) {
        return NetworkSetup.NONE;
    }

    /**
     * Called by the monitor right after the VM is launched, when the hypervisor makes its NICs
     * itself ({@link Hypervisor.Feature#MAKES_NICS}; the request's
     * {@link NetworkRequest#hypervisorMakesNics()} was true at {@link #setup}): the NICs are now
     * in the namespace under the names {@link #setup} planned, and are joined to its interfaces
     * as a tap would have been. The default has nothing to join.
     *
     * @since 1.7
     */
    default void joinNics(NetworkRequest request) { }

    /**
     * Checks a running container's network (CNI's CHECK, the taps still wired), for
     * {@code cocoon doctor <id>}: one line each. The default has nothing to check.
     */
    default List<HostCheck> check(NetworkRequest request) {
        return List.of();
    }
}
