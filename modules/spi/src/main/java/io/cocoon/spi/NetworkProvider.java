package io.cocoon.spi;

/**
 * Sets up a sandbox network: typically a tap device the hypervisor attaches, wired to the
 * container's network namespace or to a CNI network, and the addresses the guest uses.
 */
public interface NetworkProvider extends Driver {
    /** Whether this driver should serve the request (by annotation, netns, configuration). */
    boolean supports(NetworkRequest request);

    NetworkSetup setup(NetworkRequest request);

    /** Removes everything {@link #setup} made; idempotent, safe after a crash. */
    void teardown(NetworkRequest request);
}
