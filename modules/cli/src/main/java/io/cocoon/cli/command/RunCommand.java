package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.Creation;
import io.cocoon.cli.support.MonitorProcess;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.lifecycle.HookRunner;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.monitor.ContainerStdio;
import io.cocoon.monitor.Monitor;
import io.cocoon.monitor.MonitorLog;
import io.cocoon.monitor.Signals;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.oci.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    @Override
    public int run(Context ctx, Args args) throws IOException {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        checkPreserveFds(args);
        boolean detach = args.flag("detach");
        Path pidFile = args.has("pid-file") ? Path.of(args.value("pid-file")) : null;
        if (detach) {
            Creation.Prepared p = Creation.prepare(ctx, id, Path.of(args.value("bundle", ".")), args.value("console-socket"), true);
            MonitorProcess.launchAndWait(ctx, p, pidFile, true);
            return 0;
        }
        // Foreground: this process is the monitor, and it boots the VM as soon as the plan is
        // known, so writing the state files overlaps with the guest's boot.
        Monitor[] monitor = new Monitor[1];
        Creation.Prepared p;
        try {
            p = Creation.prepare(ctx, id, Path.of(args.value("bundle", ".")), args.value("console-socket"), false, launch -> {
                MonitorLog.configure(ctx.store().dir(id).resolve(ContainerFiles.MONITOR_LOG), ctx.global().debug(), false);
                monitor[0] = new Monitor(ctx.store(), launch, ctx::plugins);
                try {
                    io.cocoon.cli.support.Timing.mark(ctx, "monitor ready to launch");
                    monitor[0].launchVm();
                    io.cocoon.cli.support.Timing.mark(ctx, "VM launched");
                } catch (IOException e) {
                    throw new CocoonException("cannot start the VM: " + e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            if (monitor[0] != null) monitor[0].abortVm();
            throw e;
        }
        int status;
        try {
            Path dir = ctx.store().dir(id);
            Monitor m = monitor[0].afterCreate(() -> {
                if (pidFile != null) MonitorProcess.writePidFile(pidFile, ProcessHandle.current().pid());
            });
            Signals.forwardTo(m);
            p.lock().close();
            String socket = args.value("console-socket");
            status = m.run(() -> stdio(p.launch().terminal(), socket), true);
            if (status == 255 && Files.exists(dir.resolve(ContainerFiles.ERROR))) {
                String err = Files.readString(dir.resolve(ContainerFiles.ERROR)).trim();
                if (!args.flag("keep")) delete(ctx, id);
                throw new CocoonException(err);
            }
        } catch (RuntimeException e) {
            if (!args.flag("keep")) delete(ctx, id);
            throw e;
        }
        if (!args.flag("keep")) delete(ctx, id);
        return status;
    }

    private static ContainerStdio stdio(boolean terminal, String socket) {
        try {
            if (!terminal) return ContainerStdio.inherited();
            return socket != null ? ContainerStdio.consoleSocket(socket) : ContainerStdio.ownTerminal();
        } catch (IOException e) {
            throw new CocoonException(e.getMessage());
        }
    }

    /** The delete half of run: poststop hooks, driver cleanup, state removal. */
    private static void delete(Context ctx, String id) {
        try {
            ContainerRecord r = ctx.store().read(id);
            Path cfg = ctx.store().dir(id).resolve(ContainerFiles.CONFIG);
            Cleanup.releaseDrivers(ctx.store().dir(id), id, ctx::plugins);
            if (Files.exists(cfg)) {
                Map<String, Object> config = Json.parseObject(Files.readString(cfg));
                Map<String, Object> state = io.cocoon.cli.support.Containers.stateJson(r.withStatus(State.STOPPED));
                HookRunner.runAll("poststop", HookRunner.fromConfig(config, "poststop"), state).forEach(f -> ctx.log().warn(f));
            }
        } catch (IOException | RuntimeException e) {
            ctx.log().warn("run: cleanup of " + id + ": " + e.getMessage());
        }
        ctx.store().remove(id);
    }
}
