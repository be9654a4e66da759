package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import java.util.List;

/**
 * {@code delete [--force] <id>}. As runc: a stopped or created container is deleted, a running
 * one only with {@code --force}; {@code --force} on a container that does not exist succeeds
 * quietly. Plugins are loaded only when a crash left driver resources behind.
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
        ctx.runtime().delete(id, args.flag("force"));
        return 0;
    }
}
