package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;

/** {@code resume <id>}: lets the VM's vCPUs run again. Fast path. */
public final class ResumeCommand implements Command {
    @Override public String name() { return "resume"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "resumes all processes that have been previously paused"; }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        ctx.runtime().open(id).resume();
        return 0;
    }
}
