package io.cocoon.monitor;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.spi.CocoonException;
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
 * A network the engine configures between {@code create} and {@code start}: {@code ctr run --cni}
 * runs CNI into {@code /proc/<pid>/ns/net} of the pid {@code create} reported (the monitor, which
 * lives in the namespace the network driver made). Before START the driver attaches what appeared
 * there (through the standby NIC it gave the VM) and the agent configures it with NETCONF.
 */
final class LateNetwork {
    private LateNetwork() {}

    static void attach(Path stateDir, String id, Supplier<PluginRegistry> plugins, AgentClient agent) {
        Path f = stateDir.resolve(ContainerFiles.RESOURCES);
        if (!Files.exists(f)) return;
        Cleanup.Resources res;
        try {
            res = Cleanup.Resources.read(f);
        } catch (IOException e) {
            throw new CocoonException("cannot read " + f + ": " + e.getMessage());
        }
        if (res.network() == null) return;
        NetworkProvider n = plugins.get().networks().stream().filter(x -> x.name().equals(res.network())).findFirst()
                .orElseThrow(() -> new CocoonException("network driver " + res.network() + " is not installed"));
        NetworkSetup s = n.attachLate(new NetworkRequest(id, stateDir, res.netnsPath(), res.annotations()));
        if (s.interfaces().isEmpty()) return;
        agent.request(Proto.NETCONF, AgentPayloads.netconf(s.interfaces()), Duration.ofSeconds(10));
        Logger.info("network: {} attached after create", s.interfaces().stream().map(NetworkSetup.NetInterface::guestName).toList());
    }
}
