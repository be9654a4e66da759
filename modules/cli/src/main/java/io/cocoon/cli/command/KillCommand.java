package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Containers;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.FileRequest;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.spec.LinuxNames;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.oci.State;
import java.time.Duration;
import java.util.List;

/**
 * {@code kill [--all] <id> [signal]}: the signal goes to the container process in the guest,
 * through the monitor and the agent. Numbers and names (TERM, SIGTERM) are accepted. Fast path.
 */
public final class KillCommand implements Command {
    @Override public String name() { return "kill"; }
    @Override public String usage() { return "<container-id> [signal]"; }
    @Override public String summary() { return "kill sends the specified signal (default: SIGTERM) to the container's init process"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.bool("send the specified signal to all processes inside the container", "all", "a"));
    }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        if (args.positional().size() > 2) throw new CocoonException("kill: too many arguments (usage: cocoon kill " + usage() + ")");
        String sigText = args.positional().size() > 1 ? args.positional().get(1) : "SIGTERM";
        int sig = LinuxNames.signal(sigText);
        if (sig < 0) throw new CocoonException("invalid signal \"" + sigText + "\"");
        ContainerRecord r = Containers.read(ctx.store(), id);
        String status = Containers.status(r);
        if (State.STOPPED.equals(status)) throw new CocoonException("container not running");
        try {
            FileRequest.call(ctx.store().socketDir(id), id, Proto.SIGNAL, new Tlv.Writer().u32(Proto.T_PROC_ID, 1)
                    .u32(Proto.T_SIGNAL, sig).flag(Proto.T_ALL, args.flag("all")), Duration.ofSeconds(30),
                    () -> ProcStat.alive(r.pid(), r.pidStart()));
        } catch (CocoonException e) {
            // The container may have exited between our check and the signal: say what runc says.
            if (!State.STOPPED.equals(Containers.status(ctx.store().read(id)))) throw e;
            throw new CocoonException("container not running");
        }
        return 0;
    }
}
