package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.monitor.ContainerStdio;
import io.cocoon.monitor.posix.Posix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code exec-relay} (internal): stands on the host for a detached exec'd guest process. Its pid
 * is the one in the pid file, its stdio is the process's, and its exit status is the process's.
 */
public final class ExecRelayCommand implements Command {
    @Override public String name() { return "exec-relay"; }
    @Override public String usage() { return "<container-id> <request-file>"; }
    @Override public String summary() { return "(internal) relay for a detached exec"; }
    @Override public boolean listed() { return false; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("pid file", "pid-file"), Opt.value("console socket", "console-socket"));
    }

    @Override
    public int run(Context ctx, Args args) throws IOException {
        String id = args.id(name());
        args.exactly(name(), 2, usage());
        Posix.setsid();
        return ctx.runtime().relayExec(id, Path.of(args.positional().get(1)),
                ContainerStdio.factory(args.value("console-socket")), Path.of(args.value("pid-file")));
    }
}
