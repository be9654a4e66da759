package io.cocoon.core.container;

import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.spec.AnnotationsHandler;
import io.cocoon.core.state.ContainerError;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StorageProvider;

/**
 * The drivers one container uses: the hypervisor (default {@value #DEFAULT_HYPERVISOR}), the
 * storage driver that serves its root, and the network driver, if any. Chosen before anything
 * is created, so a missing or unsuitable driver fails create with one line and nothing to undo.
 *
 * @param network null when the container gets no network driver
 */
record Drivers(String hypervisorName, Hypervisor hypervisor, StorageProvider storage, NetworkProvider network,
               NetworkRequest networkRequest) {
    static final String DEFAULT_HYPERVISOR = "qemu-lite";

    static Drivers choose(PluginRegistry plugins, SandboxPlan plan, NetworkRequest netReq) {
        String hvName = plan.vm().hypervisor() == null ? DEFAULT_HYPERVISOR : plan.vm().hypervisor();
        Hypervisor hv = plugins.hypervisor(hvName).orElseThrow(() -> ContainerError.invalid("hypervisor \"" + hvName
                + "\" not found; installed: " + plugins.hypervisors().stream().map(Hypervisor::name).toList()));
        StorageProvider storage = storage(plugins, plan);
        java.util.Set<Hypervisor.Feature> missing = new java.util.TreeSet<>(storage.requires(plan));
        missing.removeAll(hv.features());
        if (!missing.isEmpty()) {
            throw ContainerError.unsupported("storage driver " + storage.name() + " needs " + missing + " from the hypervisor, which "
                    + hvName + " does not offer (it has " + new java.util.TreeSet<>(hv.features()) + ")");
        }
        // a hypervisor that makes its NICs (Xen's vifs) needs a network driver that makes no taps
        NetworkRequest req = netReq.withHypervisorMakesNics(hv.features().contains(Hypervisor.Feature.MAKES_NICS));
        return new Drivers(hvName, hv, storage, network(plugins, req, plan), req);
    }

    private static StorageProvider storage(PluginRegistry plugins, SandboxPlan plan) {
        String wanted = plan.annotations().get(AnnotationsHandler.STORAGE);
        for (StorageProvider s : plugins.storages()) {
            if (wanted != null ? s.name().equals(wanted) : s.supports(plan)) return s;
        }
        throw ContainerError.invalid(wanted != null ? "storage driver \"" + wanted + "\" not found"
                : "no storage driver can serve this bundle (" + (plan.vm().image() != null ? "vm.image" : "rootfs directory") + ")");
    }

    /**
     * The annotation {@code io.cocoon.network} names a driver ({@code none}: no network at all);
     * else the first driver that serves the request (cni-bridge: the engine's namespace, NETCONF,
     * a CNI network annotation); else, for a new network namespace, none: the guest has lo.
     */
    private static NetworkProvider network(PluginRegistry plugins, NetworkRequest req, SandboxPlan plan) {
        String wanted = plan.annotations().get(AnnotationsHandler.NETWORK);
        if ("none".equals(wanted)) return null;
        if (wanted != null) {
            for (NetworkProvider n : plugins.networks()) if (n.name().equals(wanted)) return n;
            throw ContainerError.invalid("network driver \"" + wanted + "\" not found; installed: "
                    + plugins.networks().stream().map(NetworkProvider::name).toList());
        }
        for (NetworkProvider n : plugins.networks()) if (n.supports(req)) return n;
        if (req.netnsPath() != null) {
            throw ContainerError.unsupported("no network driver can join the network namespace " + req.netnsPath()
                    + " (the cni-bridge plugin does; see 'cocoon plugins')");
        }
        return null;
    }
}
