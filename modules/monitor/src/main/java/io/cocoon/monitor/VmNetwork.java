package io.cocoon.monitor;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.NetworkSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The monitor's two calls into the container's network driver, both after {@code create} planned
 * the network: joining NICs the hypervisor made itself, right after the VM's launch, and
 * attaching a network the engine configured between {@code create} and {@code start}.
 */
final class VmNetwork {
    private VmNetwork() {}

    /**
     * A hypervisor that makes its NICs ({@link Hypervisor.Feature#MAKES_NICS}: Xen's vifs) has
     * put them in the namespace by now, under the planned names; the driver joins them to the
     * namespace's interfaces as it joins its own taps.
     */
    static void joinNics(Path stateDir, String id, Supplier<PluginRegistry> plugins, Hypervisor hv) {
        if (!hv.features().contains(Hypervisor.Feature.MAKES_NICS)) return;
        Cleanup.Resources res = resources(stateDir);
        if (res == null || res.network() == null) return;
        driver(plugins, res).joinNics(new NetworkRequest(id, stateDir, res.netnsPath(), res.annotations()).withHypervisorMakesNics(true));
        Logger.info("network: {}'s NICs joined by {}", hv.name(), res.network());
    }

    /**
     * {@code ctr run --cni} runs CNI into {@code /proc/<pid>/ns/net} of the pid {@code create}
     * reported (the monitor, which lives in the namespace the network driver made). Before START
     * the driver attaches what appeared there (through the standby NIC it gave the VM) and the
     * agent configures it with NETCONF.
     */
    static void attachLate(Path stateDir, String id, Supplier<PluginRegistry> plugins, AgentClient agent) {
        Cleanup.Resources res = resources(stateDir);
        if (res == null || res.network() == null) return;
        NetworkSetup s = driver(plugins, res).attachLate(new NetworkRequest(id, stateDir, res.netnsPath(), res.annotations()));
        if (s.interfaces().isEmpty()) return;
        agent.request(Proto.NETCONF, AgentPayloads.netconf(s.interfaces()), Duration.ofSeconds(10));
        Logger.info("network: {} attached after create", s.interfaces().stream().map(NetworkSetup.NetInterface::guestName).toList());
    }

    private static Cleanup.Resources resources(Path stateDir) {
        Path f = stateDir.resolve(ContainerFiles.RESOURCES);
        if (!Files.exists(f)) return null;
        try {
            return Cleanup.Resources.read(f);
        } catch (IOException e) {
            throw new CocoonException("cannot read " + f + ": " + e.getMessage());
        }
    }

    private static NetworkProvider driver(Supplier<PluginRegistry> plugins, Cleanup.Resources res) {
        return plugins.get().networks().stream().filter(x -> x.name().equals(res.network())).findFirst()
                .orElseThrow(() -> new CocoonException("network driver " + res.network() + " is not installed"));
    }
}
