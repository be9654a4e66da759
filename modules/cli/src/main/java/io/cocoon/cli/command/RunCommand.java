package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.core.container.ContainerRuntime;
import io.cocoon.core.container.Creation;
import io.cocoon.core.log.Timing;
import io.cocoon.core.model.CreateOptions;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.monitor.ContainerStdio;
import io.cocoon.monitor.Monitor;
import io.cocoon.monitor.MonitorLog;
import io.cocoon.monitor.Signals;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code run}: create + start + wait + delete. In the foreground this process is the monitor
 * (no second JVM); its exit status is the container's. With {@code --detach} it behaves like
 * create followed by start.
 */
public final class RunCommand implements Command {
    @Override public String name() { return "run"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "create and run a container"; }

    @Override
    public List<Opt> options() {
        List<Opt> o = new ArrayList<>(CreateCommand.createOptions());
        o.add(Opt.bool("detach from the container's process", "detach", "d"));
        o.add(Opt.bool("do not delete the container after it exits", "keep"));
        o.add(Opt.bool("accepted for runc compatibility", "no-subreaper"));
        return o;
    }

    static void checkPreserveFds(Args args) {
        String n = args.value("preserve-fds", "0");
        if (!n.equals("0")) throw new CocoonException("--preserve-fds " + n + ": host file descriptors cannot be passed into a VM");
    }

    static CreateOptions createOptions(String id, Args args, boolean detached) {
        checkPreserveFds(args);
        return new CreateOptions(id, Path.of(args.value("bundle", ".")), args.value("console-socket"),
                args.has("pid-file") ? Path.of(args.value("pid-file")) : null, detached);
    }

    @Override
    public int run(Context ctx, Args args) throws IOException {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        ContainerRuntime rt = ctx.runtime();
        if (args.flag("detach")) {
            rt.create(createOptions(id, args, true), true);
            return 0;
        }
        // Foreground: this process is the monitor, and it boots the VM as soon as the plan is
        // known, so writing the state files overlaps with the guest's boot.
        CreateOptions o = createOptions(id, args, false);
        Monitor[] monitor = new Monitor[1];
        Creation.Prepared p;
        try {
            p = rt.prepare(o, launch -> {
                MonitorLog.configure(ctx.store().dir(id).resolve(ContainerFiles.MONITOR_LOG), ctx.global().debug(), false);
                monitor[0] = new Monitor(ctx.store(), launch, ctx::plugins);
                try {
                    Timing.mark("monitor ready to launch");
                    monitor[0].launchVm();
                    Timing.mark("VM launched");
                } catch (IOException e) {
                    throw new CocoonException("cannot start the VM: " + e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            if (monitor[0] != null) monitor[0].abortVm();
            throw e;
        }
        boolean keep = args.flag("keep");
        int status;
        try {
            Monitor m = monitor[0].afterCreate(() -> {
                if (o.pidFile() != null) ContainerRuntime.writePidFile(o.pidFile(), ProcessHandle.current().pid());
            });
            Signals.forwardTo(m);
            p.lock().close();
            status = m.run(() -> ContainerStdio.factory(o.consoleSocket()).open(p.launch().terminal()), true);
            Path err = ctx.store().dir(id).resolve(ContainerFiles.ERROR);
            if (status == 255 && Files.exists(err)) {
                String why = Files.readString(err).trim();
                if (!keep) rt.delete(id, true);
                throw new CocoonException(why);
            }
        } catch (RuntimeException e) {
            if (!keep) deleteQuietly(ctx, id);
            throw e;
        }
        if (!keep) rt.delete(id, true);
        return status;
    }

    private static void deleteQuietly(Context ctx, String id) {
        try {
            ctx.runtime().delete(id, true);
        } catch (RuntimeException e) {
            ctx.log().warn("run: cleanup of " + id + ": " + e.getMessage());
        }
    }
}
