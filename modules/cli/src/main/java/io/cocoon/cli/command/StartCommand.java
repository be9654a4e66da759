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

/** {@code start <id>}: tells the monitor to let the prepared process exec. Fast path. */
public final class StartCommand implements Command {
    @Override public String name() { return "start"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "executes the user defined process in a created container"; }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        try (StateStore.Lock ignored = ctx.store().lock(id)) {
            ContainerRecord r = Containers.read(ctx.store(), id);
            String status = Containers.status(r);
            switch (status) {
                case State.CREATED -> { }
                case State.STOPPED -> throw new CocoonException("cannot start a container that has stopped");
                case State.RUNNING -> throw new CocoonException("cannot start an already running container");
                default -> throw new CocoonException("cannot start a container in the " + status + " state");
            }
            FileRequest.call(ctx.store().socketDir(id), id, Proto.START, new Tlv.Writer(), Duration.ofSeconds(60),
                    () -> ProcStat.alive(r.pid(), r.pidStart()));
        }
        return 0;
    }
}
