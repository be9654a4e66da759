package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;

/** {@code pause <id>}: freezes the whole VM (all vCPUs). Fast path. */
public final class PauseCommand implements Command {
    @Override public String name() { return "pause"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "pause suspends all processes inside the container"; }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        ctx.runtime().open(id).pause();
        return 0;
    }
}
