/**
 * Cocoon's engine room: the container layer ({@code container}: {@code Container},
 * {@code ContainerRuntime}, create and delete), container state and status, spec handlers,
 * plugin loading, and the agent and control protocols. It depends on no plugin and not on the
 * CLI, the monitor or the guest module.
 *
 * <p>Every package is exported only to Cocoon's own modules (qualified exports): a plugin jar
 * that {@code requires io.cocoon.core} can reach none of it and is refused at load
 * ({@code PluginRegistry}); plugins build against {@code io.cocoon.spi} alone.
 */
module io.cocoon.core {
    requires transitive io.cocoon.spi;
    requires jdk.unsupported;
    requires org.tinylog.api;
    requires org.tinylog.impl;

    exports io.cocoon.core.agent to io.cocoon.monitor, io.cocoon.guest;
    exports io.cocoon.core.cgroup to io.cocoon.monitor;
    exports io.cocoon.core.config to io.cocoon.cli, io.cocoon.monitor, io.cocoon.guest;
    exports io.cocoon.core.container to io.cocoon.cli, io.cocoon.monitor, io.cocoon.guest;
    exports io.cocoon.core.control to io.cocoon.monitor;
    exports io.cocoon.core.lifecycle to io.cocoon.monitor;
    // tinylog finds CocoonWriter through META-INF/services (its own loader, which wants a Map
    // constructor, so not `provides`) and instantiates it reflectively
    exports io.cocoon.core.log to io.cocoon.cli, io.cocoon.monitor, io.cocoon.guest, org.tinylog.api, org.tinylog.impl;
    exports io.cocoon.core.model to io.cocoon.cli, io.cocoon.monitor;
    exports io.cocoon.core.oci to io.cocoon.cli, io.cocoon.monitor;
    exports io.cocoon.core.plugin to io.cocoon.cli, io.cocoon.monitor;
    exports io.cocoon.core.seccomp to io.cocoon.cli;
    exports io.cocoon.core.spec to io.cocoon.cli, io.cocoon.monitor;
    exports io.cocoon.core.state to io.cocoon.cli, io.cocoon.monitor, io.cocoon.guest;
    exports io.cocoon.core.util to io.cocoon.cli, io.cocoon.monitor;

    uses io.cocoon.spi.Hypervisor;
    uses io.cocoon.spi.NetworkProvider;
    uses io.cocoon.spi.StorageProvider;
    uses io.cocoon.spi.SpecHandler;
}
