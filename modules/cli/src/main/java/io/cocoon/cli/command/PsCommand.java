package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Containers;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ControlClient;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.oci.State;
import java.time.Duration;
import java.util.ArrayList;
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
        String status = Containers.status(Containers.read(ctx.store(), id));
        if (State.STOPPED.equals(status)) throw new CocoonException("container not running");
        Tlv.Fields r;
        try (ControlClient c = ControlClient.connect(ctx.store().socketDir(id), id, Duration.ofSeconds(5))) {
            r = c.call(Proto.PS, new Tlv.Writer(), Duration.ofSeconds(30));
        }
        List<Tlv.Fields> procs = r.nested(Proto.T_PROC);
        if (format.equals("json")) {
            List<Object> pids = new ArrayList<>();
            for (Tlv.Fields p : procs) pids.add(p.u32(Proto.T_PID).orElse(0L));
            ctx.out().println(Json.write(pids));
            return 0;
        }
        ctx.out().printf("%-8s %-8s %-8s %-5s %s%n", "PID", "PPID", "UID", "STAT", "CMD");
        for (Tlv.Fields p : procs) {
            ctx.out().printf("%-8d %-8d %-8d %-5s %s%n", p.u32(Proto.T_PID).orElse(0L), p.u32(Proto.T_PPID).orElse(0L),
                    p.u32(Proto.T_UID).orElse(0L), p.str(Proto.T_STATE).orElse("?"), p.str(Proto.T_CMD).orElse(""));
        }
        return 0;
    }
}
