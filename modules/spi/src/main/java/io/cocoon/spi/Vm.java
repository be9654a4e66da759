package io.cocoon.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A running VM, as returned by {@link Hypervisor#launch}. */
public interface Vm {
    /** Host pid of the hypervisor process (QEMU), or of the toolstack's domain helper. */
    long pid();

    /** Unix socket that carries the agent byte stream (docs/agent-protocol.md). */
    Path agentSocket();

    /** The accelerator actually used ({@code kvm}, {@code tcg}, {@code xen}). */
    String accelerator();

    /** The full command line used, for the log and {@code cocoon list --all}. */
    List<String> commandLine();

    /** Freezes all vCPUs. */
    void pause();

    void resume();

    /** Hypervisor-level figures (e.g. vCPU count, balloon); may be empty. */
    default Map<String, Object> stats() {
        return Map.of();
    }

    /** Saves the paused VM's memory and device state to {@code file} (checkpoint). */
    default void save(Path file) {
        throw new CocoonException("saving a VM snapshot is not supported by this hypervisor");
    }

    /** Asks the hypervisor to quit, waiting up to {@code grace}, then kills it. */
    void stop(Duration grace);

    /** Kills the hypervisor process at once. */
    void kill();

    boolean isAlive();

    /** Completes with the hypervisor's exit status when its process has gone. */
    CompletableFuture<Integer> onExit();
}
