package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;

/** {@code start <id>}: tells the monitor to let the prepared process exec. Fast path. */
public final class StartCommand implements Command {
    @Override public String name() { return "start"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "executes the user defined process in a created container"; }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        ctx.runtime().open(id).start();
        return 0;
    }
}
