package io.cocoon.core.container;

import io.cocoon.core.model.CreateOptions;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerId;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The container layer's entry point, in the spirit of runc's libcontainer factory: open a
 * {@link Container} by id, create one, list them. It holds what every operation needs: the
 * state store, the plugins (loaded on first use only, so the fast commands never scan them),
 * the guest image lookup and the options a child process must inherit.
 */
public final class ContainerRuntime {
    /**
     * @param hypervisorLogDir cc-oci-runtime's per-container hypervisor log directory, or null
     * @param childFlags the global flags a monitor or relay started by us gets ({@code --root}, {@code --log}, ...)
     */
    public record Options(Path hypervisorLogDir, List<String> childFlags) {
        public Options {
            childFlags = List.copyOf(childFlags);
        }
    }

    private final StateStore store;
    private final Supplier<PluginRegistry> plugins;
    private final GuestImages guest;
    private final Options options;

    public ContainerRuntime(StateStore store, Supplier<PluginRegistry> plugins, GuestImages guest, Options options) {
        this.store = store;
        this.plugins = plugins;
        this.guest = guest;
        this.options = options;
    }

    public StateStore store() { return store; }
    public PluginRegistry plugins() { return plugins.get(); }
    GuestImages guest() { return guest; }
    Options options() { return options; }

    /** The container {@code id}; fails with runc's "does not exist" when there is none. */
    public Container open(String id) {
        ContainerId.validate(id);
        if (!store.exists(id)) throw ContainerError.notFound(id);
        return new Container(this, id, store.read(id));
    }

    /**
     * What {@code list} shows: the containers whose state can be read, sorted by id, and the ids
     * whose directory exists but whose state cannot be read (a create killed before its first
     * write, or a state file truncated, garbled or deleted), with why. Those are shown too, so
     * nothing that may still run is invisible; {@code delete --force} stops what runs of them by
     * the processes' own identity. One read of each state.
     */
    public record Listing(List<Container> containers, java.util.Map<String, String> unreadable) {}

    public Listing list() {
        List<Container> out = new ArrayList<>();
        java.util.Map<String, String> unreadable = new java.util.TreeMap<>();
        for (String id : store.list()) {
            try {
                out.add(new Container(this, id, store.read(id)));
            } catch (CocoonException e) {
                io.cocoon.core.log.RuntimeLog.get().warn(e.getMessage()); // half-created or damaged
                unreadable.put(id, e.getMessage());
            }
        }
        return new Listing(out, unreadable);
    }

    /**
     * {@code create}: boots the VM and prepares the container (rootfs mounted, process ready but
     * not executed) under a detached monitor, writes the pid file and returns.
     *
     * @param start also start it ({@code run --detach})
     */
    public Container create(CreateOptions o, boolean start) {
        Creation.Prepared p = Creation.prepare(this, o, null, start);
        MonitorLauncher.launchAndWait(this, p, o.pidFile(), start);
        Container c = open(p.id());
        io.cocoon.core.log.Timing.mark("created");
        return c;
    }

    /**
     * {@code restore}: a container made as by {@code create} from {@code o}'s bundle, whose VM is
     * the checkpoint's in {@code imagePath} instead of a new one, running when this returns.
     */
    public Container restore(CreateOptions o, Path imagePath) {
        Path image = imagePath.toAbsolutePath();
        Checkpoints.requireImage(image);
        // planned as create plans (a standby NIC kept for a late network), the layout of a
        // checkpoint of a created container; one of a `run` container has no standby NIC
        Creation.Prepared p = Creation.prepare(this, o, null, !Checkpoints.hasStandbyNic(image));
        try {
            AtomicFiles.write(store().dir(p.id()).resolve(ContainerFiles.RESTORE_FROM), image.toString());
        } catch (java.io.IOException e) {
            Creation.abort(this, p.id(), p.lock());
            throw new io.cocoon.spi.CocoonException("restore " + o.id() + ": " + e.getMessage());
        }
        // no START: the restored container runs once its monitor has reattached it
        MonitorLauncher.launchAndWait(this, p, o.pidFile(), false);
        return open(p.id());
    }

    /**
     * The first half of a foreground {@code run}, whose process becomes the monitor itself:
     * returns the prepared, locked container. {@code early} gets the launch spec before the
     * state files are written (the VM boots there).
     */
    public Creation.Prepared prepare(CreateOptions o, Consumer<LaunchSpec> early) {
        return Creation.prepare(this, o, early, true);
    }

    /** Undoes a prepared container that never got going (the foreground run's failure path). */
    public void abort(Creation.Prepared p) {
        Creation.abort(this, p.id(), p.lock());
    }

    /**
     * {@code delete [--force]}: stops what still runs (a running or paused container only with
     * {@code force}), releases every host resource, runs the poststop hooks, removes the state.
     */
    public void delete(String id, boolean force) {
        Deletion.delete(this, id, force);
    }

    /**
     * {@code delete --force} of an id without state: succeeds quietly, removing a stray socket
     * directory (engines issue it redundantly).
     */
    public void forget(String id) {
        store.remove(id);
    }

    /**
     * The relay side of a detached exec ({@code cocoon exec-relay}): runs the process in
     * {@code request} and returns its exit status; a failure before it started is reported to
     * the waiting {@code exec} through {@code <request>.err}.
     */
    public int relayExec(String id, Path request, io.cocoon.core.model.StdioFactory stdio, Path pidFile) throws java.io.IOException {
        return Exec.relay(this, id, request, stdio, pidFile);
    }

    /**
     * The container's network, checked by its driver (CNI's CHECK, the taps' redirects), for
     * {@code cocoon doctor <id>}.
     */
    public List<io.cocoon.spi.HostCheck> networkChecks(String id) {
        open(id);
        Path res = store.dir(id).resolve(io.cocoon.core.state.ContainerFiles.RESOURCES);
        try {
            io.cocoon.core.lifecycle.Cleanup.Resources r = io.cocoon.core.lifecycle.Cleanup.Resources.read(res);
            if (r.network() == null) return List.of(io.cocoon.spi.HostCheck.ok("network", "none (the guest has lo only)"));
            for (io.cocoon.spi.NetworkProvider n : plugins().networks()) {
                if (n.name().equals(r.network())) {
                    return n.check(new io.cocoon.spi.NetworkRequest(id, store.dir(id), r.netnsPath(), r.annotations()));
                }
            }
            return List.of(io.cocoon.spi.HostCheck.fail("network", "driver " + r.network() + " is not installed")
                    .withFix("put the plugin that provides " + r.network() + " back in the plugins directory (cocoon plugins)"));
        } catch (java.io.IOException e) {
            return List.of(io.cocoon.spi.HostCheck.warn("network", "no resources recorded: " + e.getMessage()).withFix("the container is gone or half-created: cocoon delete --force it"));
        }
    }

    /** runc's pid file: the bare decimal pid, no newline, written atomically. */
    public static void writePidFile(Path pidFile, long pid) {
        MonitorLauncher.writePidFile(pidFile, pid);
    }

}
