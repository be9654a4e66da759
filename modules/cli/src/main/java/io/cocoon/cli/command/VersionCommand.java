package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.Version;
import io.cocoon.cli.args.Args;

/** {@code version}: same as {@code --version}. */
public final class VersionCommand implements Command {
    @Override public String name() { return "version"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "print the version"; }

    @Override
    public int run(Context ctx, Args args) {
        ctx.out().print(Version.text());
        return 0;
    }
}
