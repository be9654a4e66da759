package io.cocoon.core.container;

import io.cocoon.core.control.MonitorClient;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.lifecycle.HookRunner;
import io.cocoon.core.log.RuntimeLog;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerId;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.StateStore;
import io.cocoon.core.util.Processes;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code delete}, the one path that ends a container, for {@code delete} and for the end of a
 * foreground {@code run}: stop what still runs, release the drivers' resources, run the
 * poststop hooks on the host, remove the state. As runc: a stopped or created container is
 * deleted, a running one only with {@code force}; {@code force} on an id that does not exist
 * succeeds quietly (engines issue it redundantly).
 */
final class Deletion {
    /** How long the monitor has to go after SIGKILL before it is killed itself. */
    static final long MONITOR_GRACE_MS = 10_000;

    private Deletion() {}

    static void delete(ContainerRuntime rt, String id, boolean force) {
        ContainerId.validate(id);
        StateStore store = rt.store();
        if (!store.exists(id)) {
            if (!force) throw ContainerError.notFound(id);
            rt.forget(id); // stray socket directory from an aborted create
            return;
        }
        try (StateStore.Lock ignored = store.lock(id)) {
            ContainerRecord r;
            try {
                r = store.read(id);
            } catch (CocoonException e) {
                deleteUnreadable(rt, id, force, e);
                return;
            }
            // never kill ourselves: at the end of a foreground run the monitor is this process
            if (r.pid() == ProcessHandle.current().pid()) r = r.withMonitor(0, 0);
            ContainerStatus status = Container.status(r);
            if (status.requireDelete(id, force)) stop(store, id, r, status);
            // what the record could not name (a monitor a killed create left before it wrote its
            // pid) goes first: its cgroups and namespace are busy while it runs
            killStrays(store, id, r, pids -> "delete " + id + ": killing " + pids + ", which its state did not name");
            Cleanup.all(store, id, r, rt::plugins);
            poststop(store.dir(id), r);
            store.remove(id);
        }
    }

    /**
     * A container whose state cannot be read (an aborted create, or a state file truncated,
     * garbled or deleted): what still runs of it is found by its processes' own identity and
     * stopped ({@code delete --force}; plain {@code delete} refuses a running one, as runc does),
     * then its drivers' resources are released as after a crash.
     */
    private static void deleteUnreadable(ContainerRuntime rt, String id, boolean force, CocoonException why) {
        StateStore store = rt.store();
        java.util.List<Long> pids = Processes.belongingTo(store.root(), store.dir(id), id, StateStore.DEFAULT_ROOT);
        if (!pids.isEmpty() && !force) {
            throw new ContainerError(ContainerError.Kind.INVALID, why.getMessage() + "; its processes " + pids
                    + " still run: use delete --force");
        }
        killStrays(store, id, null, found -> why.getMessage() + "; stopping its processes " + found);
        Cleanup.releaseDrivers(store.dir(id), id, rt::plugins);
        Cleanup.removeCgroups(store.dir(id));
        store.remove(id);
    }

    /**
     * Kills, with what they spawned ({@link Processes#killTree}), the processes of a container
     * its record does not name ({@code r} null: it names none), and looks again until a look
     * finds none. Why the second look: a {@code create} killed while it spawned the monitor
     * leaves a child that becomes the monitor only when it execs, after the first look.
     */
    private static void killStrays(StateStore store, String id, ContainerRecord r, java.util.function.Function<java.util.List<Long>, String> warning) {
        long deadline = System.currentTimeMillis() + 10_000;
        boolean killed = false;
        while (true) {
            java.util.List<Long> pids = Processes.belongingTo(store.root(), store.dir(id), id, StateStore.DEFAULT_ROOT).stream()
                    .filter(p -> r == null || (p != r.pid() && p != r.vmPid())).toList();
            if (pids.isEmpty()) {
                if (!killed || !pause(deadline)) return;
                killed = false; // something was killed: one more look, after a pause
                continue;
            }
            if (System.currentTimeMillis() > deadline) {
                RuntimeLog.get().warn("delete " + id + ": processes " + pids + " still run after 10 s of killing");
                return;
            }
            RuntimeLog.get().warn(warning.apply(pids));
            for (long p : pids) Processes.killTree(p, io.cocoon.core.state.ProcStat.startTime(p), 5000);
            killed = true;
        }
    }

    /** Waits 100 ms before the look after a kill; false once the deadline has passed. */
    private static boolean pause(long deadline) {
        if (System.currentTimeMillis() > deadline) return false;
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /**
     * Asks the monitor to kill the container and waits for it (Cleanup then kills whatever is
     * left). A container still being created has no process to signal: its monitor goes at once.
     */
    private static void stop(StateStore store, String id, ContainerRecord r, ContainerStatus status) {
        if (status.isCreating()) return;
        try {
            new MonitorClient(store.socketDir(id), id, () -> true).killAll();
        } catch (CocoonException e) {
            RuntimeLog.get().debug("delete: monitor did not take SIGKILL: " + e.getMessage());
        }
        if (!Processes.waitGone(r.pid(), r.pidStart(), MONITOR_GRACE_MS)) {
            RuntimeLog.get().warn("monitor of " + id + " did not exit after SIGKILL; killing it");
        }
    }

    /** poststop hooks, from launch.json (create parsed them); failures are logged, as runc does. */
    private static void poststop(Path dir, ContainerRecord r) {
        Path launch = dir.resolve(ContainerFiles.LAUNCH);
        if (!Files.exists(launch)) return;
        try {
            LaunchSpec l = LaunchSpec.fromJson(Files.readString(launch));
            HookRunner.runAll("poststop", l.hooks().poststop(), r.stateJson(ContainerStatus.STOPPED, false))
                    .forEach(f -> RuntimeLog.get().warn(f));
        } catch (IOException | RuntimeException e) {
            RuntimeLog.get().warn("poststop hooks not run: " + e.getMessage());
        }
    }
}
