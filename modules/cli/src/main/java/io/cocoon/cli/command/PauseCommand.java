package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Containers;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.FileRequest;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.oci.State;
import java.time.Duration;

/** {@code pause <id>}: freezes the whole VM (all vCPUs). Fast path. */
public final class PauseCommand implements Command {
    @Override public String name() { return "pause"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "pause suspends all processes inside the container"; }

    @Override
    public int run(Context ctx, Args args) {
        return toggle(ctx, args, name(), Proto.C_PAUSE, State.RUNNING, "container not running");
    }

    static int toggle(Context ctx, Args args, String name, int request, String required, String wrong) {
        String id = args.id(name);
        args.exactly(name, 1, "<container-id>");
        try (StateStore.Lock ignored = ctx.store().lock(id)) {
            ContainerRecord r = Containers.read(ctx.store(), id);
            if (!required.equals(Containers.status(r))) throw new CocoonException(wrong);
            FileRequest.call(ctx.store().socketDir(id), id, request, new Tlv.Writer(), Duration.ofSeconds(30),
                    () -> ProcStat.alive(r.pid(), r.pidStart()));
        }
        return 0;
    }
}
