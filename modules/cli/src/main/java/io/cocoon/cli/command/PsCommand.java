package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.JsonOutput;
import io.cocoon.core.model.GuestProcess;
import io.cocoon.spi.CocoonException;
import java.util.List;

/**
 * {@code ps}: the processes of the container, asked of the agent. The pids are guest pids: the
 * container's processes have no host pids in a VM (docs/compatibility.md).
 */
public final class PsCommand implements Command {
    @Override public String name() { return "ps"; }
    @Override public String usage() { return "<container-id> [ps options]"; }
    @Override public String summary() { return "ps displays the processes running inside a container"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("select one of: table or json (default: \"table\")", "format", "f"));
    }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        String format = args.value("format", "table");
        if (!format.equals("table") && !format.equals("json")) throw new CocoonException("invalid format option \"" + format + "\"");
        List<GuestProcess> procs = ctx.runtime().open(id).ps();
        if (format.equals("json")) {
            JsonOutput.line(ctx.out(), procs.stream().map(GuestProcess::pid).toList());
            return 0;
        }
        ctx.out().printf("%-8s %-8s %-8s %-5s %s%n", "PID", "PPID", "UID", "STAT", "CMD");
        for (GuestProcess p : procs) {
            ctx.out().printf("%-8d %-8d %-8d %-5s %s%n", p.pid(), p.ppid(), p.uid(), p.state(), p.command());
        }
        return 0;
    }
}
