/**
 * Cocoon's engine room: reads config.json into a sandbox plan through the spec handlers,
 * keeps container state, loads plugins, and speaks the agent and control protocols.
 * It depends on no plugin and not on the CLI.
 */
module io.cocoon.core {
    requires transitive io.cocoon.spi;

    exports io.cocoon.core.oci;
    exports io.cocoon.core.spec;
    exports io.cocoon.core.config;
    exports io.cocoon.core.state;
    exports io.cocoon.core.log;
    exports io.cocoon.core.plugin;
    exports io.cocoon.core.agent;
    exports io.cocoon.core.seccomp;
    exports io.cocoon.core.control;
    exports io.cocoon.core.util;
    exports io.cocoon.core.lifecycle;

    uses io.cocoon.spi.Hypervisor;
    uses io.cocoon.spi.NetworkProvider;
    uses io.cocoon.spi.StorageProvider;
    uses io.cocoon.spi.SpecHandler;
}
