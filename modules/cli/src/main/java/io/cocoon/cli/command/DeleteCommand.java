package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Containers;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ControlClient;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.lifecycle.HookRunner;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.StateStore;
import io.cocoon.core.util.Processes;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.oci.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code delete [--force] <id>}. As runc: a stopped or created container is deleted, a running
 * one only with {@code --force}; {@code --force} on a container that does not exist succeeds
 * quietly (engines issue it redundantly). Plugins are loaded only when a crash left driver
 * resources behind.
 */
public final class DeleteCommand implements Command {
    @Override public String name() { return "delete"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "delete any resources held by the container"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.bool("forcibly deletes the container if it is still running (uses SIGKILL)", "force", "f"));
    }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        boolean force = args.flag("force");
        StateStore store = ctx.store();
        if (!store.exists(id)) {
            if (force) {
                store.remove(id); // stray socket directory from an aborted create
                return 0;
            }
            throw StateStore.notFound(id);
        }
        try (StateStore.Lock ignored = store.lock(id)) {
            ContainerRecord r;
            try {
                r = store.read(id);
            } catch (CocoonException e) {
                // no readable state: an aborted create; nothing runs that we could know of
                store.remove(id);
                return 0;
            }
            String status = Containers.status(r);
            switch (status) {
                case State.STOPPED -> { }
                case State.CREATED, State.CREATING -> stop(ctx, id, r);
                default -> {
                    if (!force) throw new CocoonException("cannot delete container " + id + " that is not stopped: " + status);
                    stop(ctx, id, r);
                }
            }
            Cleanup.all(store, id, r, ctx::plugins);
            poststop(ctx, store.dir(id), r);
            store.remove(id);
        }
        return 0;
    }

    /**
     * Asks the monitor to kill the container and waits for it (Cleanup then kills whatever is
     * left). A container still being created has no process to signal: its monitor goes at once.
     */
    private static void stop(Context ctx, String id, ContainerRecord r) {
        if (State.CREATING.equals(r.status())) return;
        try (ControlClient c = ControlClient.connect(ctx.store().socketDir(id), id, Duration.ofSeconds(2))) {
            c.call(Proto.SIGNAL, new Tlv.Writer().u32(Proto.T_PROC_ID, 1).u32(Proto.T_SIGNAL, 9).flag(Proto.T_ALL),
                    Duration.ofSeconds(5));
        } catch (CocoonException e) {
            ctx.log().debug("delete: monitor did not take SIGKILL: " + e.getMessage());
        }
        if (!Processes.waitGone(r.pid(), r.pidStart(), 10_000)) {
            ctx.log().warn("monitor of " + id + " did not exit after SIGKILL; killing it");
        }
    }

    private static void poststop(Context ctx, Path dir, ContainerRecord r) {
        Path cfg = dir.resolve(ContainerFiles.CONFIG);
        if (!Files.exists(cfg)) return;
        try {
            Map<String, Object> config = Json.parseObject(Files.readString(cfg));
            List<String> failures = HookRunner.runAll("poststop", HookRunner.fromConfig(config, "poststop"),
                    Containers.stateJson(r.withStatus(State.STOPPED)));
            failures.forEach(f -> ctx.log().warn(f));
        } catch (IOException | RuntimeException e) {
            ctx.log().warn("poststop hooks not run: " + e.getMessage());
        }
    }
}
