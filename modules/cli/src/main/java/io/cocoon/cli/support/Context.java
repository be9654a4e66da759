package io.cocoon.cli.support;

import io.cocoon.core.container.ContainerRuntime;
import io.cocoon.core.log.RuntimeLog;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.state.StateStore;
import io.cocoon.guest.GuestAssets;
import java.io.InputStream;
import java.io.PrintStream;

/** What a command runs with: global options, the container runtime, the log, and its stdio. */
public final class Context {
    private final GlobalOptions global;
    private final StateStore store;
    private final RuntimeLog log;
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private ContainerRuntime runtime;
    private PluginRegistry plugins;

    public Context(GlobalOptions global, RuntimeLog log, PrintStream out, PrintStream err, InputStream in) {
        this.global = global;
        this.store = new StateStore(global.root());
        this.log = log;
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public GlobalOptions global() { return global; }
    public StateStore store() { return store; }
    public RuntimeLog log() { return log; }
    public PrintStream out() { return out; }
    public PrintStream err() { return err; }
    public InputStream in() { return in; }

    /** The container layer every command goes through. */
    public synchronized ContainerRuntime runtime() {
        if (runtime == null) {
            runtime = new ContainerRuntime(store, this::plugins, GuestAssets::resolve,
                    new ContainerRuntime.Options(global.hypervisorLogDir(), global.forChild()));
        }
        return runtime;
    }

    /** Plugins are scanned on first use only: the fast commands never pay for it. */
    public synchronized PluginRegistry plugins() {
        if (plugins == null) {
            plugins = PluginRegistry.load();
            plugins.problems().forEach(p -> log.warn("plugin " + p.location() + ": " + p.message()));
        }
        return plugins;
    }
}
