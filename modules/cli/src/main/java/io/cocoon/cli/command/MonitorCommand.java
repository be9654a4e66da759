package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.core.container.LaunchSpec;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.monitor.ContainerStdio;
import io.cocoon.monitor.Monitor;
import io.cocoon.monitor.MonitorLog;
import io.cocoon.monitor.Signals;
import io.cocoon.monitor.posix.Posix;
import io.cocoon.spi.CocoonException;
import java.io.IOException;

/**
 * {@code monitor <id>} (internal): the long-lived per-container process that {@code create}
 * starts. Its exit status is the container's.
 */
public final class MonitorCommand implements Command {
    @Override public String name() { return "monitor"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "(internal) run the monitor of a container"; }
    @Override public boolean listed() { return false; }

    @Override
    public int run(Context ctx, Args args) throws IOException {
        String id = args.id(name());
        Posix.setsid();
        MonitorLog.configure(ctx.store().dir(id).resolve(ContainerFiles.MONITOR_LOG), ctx.global().debug(), true);
        LaunchSpec launch = LaunchSpec.read(ctx.store().dir(id));
        Monitor m = new Monitor(ctx.store(), launch, ctx::plugins);
        Signals.forwardTo(m);
        return m.run(() -> {
            if (launch.terminal() && launch.consoleSocket() == null) {
                throw new CocoonException("process.terminal needs --console-socket when detached");
            }
            return ContainerStdio.factory(launch.consoleSocket()).open(launch.terminal());
        }, false);
    }
}
