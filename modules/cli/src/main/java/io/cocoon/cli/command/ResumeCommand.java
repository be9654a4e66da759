package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.core.agent.Proto;
import io.cocoon.spi.oci.State;

/** {@code resume <id>}: lets the paused VM run again. Fast path. */
public final class ResumeCommand implements Command {
    @Override public String name() { return "resume"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "resumes all processes that have been previously paused"; }

    @Override
    public int run(Context ctx, Args args) {
        return PauseCommand.toggle(ctx, args, name(), Proto.C_RESUME, State.PAUSED, "container not paused");
    }
}
