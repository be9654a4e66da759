package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.JsonOutput;

/** {@code state <id>}: the container's state as JSON. Fast path: no plugins, no databind. */
public final class StateCommand implements Command {
    @Override public String name() { return "state"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "output the state of a container"; }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        JsonOutput.document(ctx.out(), ctx.runtime().open(id).state());
        return 0;
    }
}
