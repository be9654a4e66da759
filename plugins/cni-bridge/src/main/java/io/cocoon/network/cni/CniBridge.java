package io.cocoon.network.cni;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.NetworkSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CNI bridge networking for VMs. Selected with the annotation {@code io.cocoon.network=cni-bridge};
 * its setup is the networking issue's work, and until then it refuses in one line rather than
 * start a container without the network it asked for.
 */
public final class CniBridge implements NetworkProvider {
    public static final String NAME = "cni-bridge";
    static final List<Path> PLUGIN_DIRS = List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "CNI bridge + host-local networks, wired to the VM through a tap";
    }

    @Override
    public List<HostCheck> check() {
        List<HostCheck> out = new ArrayList<>();
        for (Path d : PLUGIN_DIRS) {
            if (Files.isExecutable(d.resolve("bridge")) && Files.isExecutable(d.resolve("host-local"))) {
                out.add(HostCheck.ok("cni plugins", d + " (bridge, host-local)"));
                return out;
            }
        }
        out.add(HostCheck.warn("cni plugins", "bridge/host-local not found in /usr/lib/cni or /opt/cni/bin: apt-get install containernetworking-plugins"));
        return out;
    }

    @Override
    public boolean supports(NetworkRequest request) {
        return NAME.equals(request.annotations().get("io.cocoon.network"));
    }

    @Override
    public NetworkSetup setup(NetworkRequest request) {
        throw new CocoonException("cni-bridge: VM networking over CNI is not available in this version; the container would have no network");
    }

    @Override
    public void teardown(NetworkRequest request) {
        // setup never creates anything yet
    }
}
