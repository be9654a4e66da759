package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Containers;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.ExecProcess;
import io.cocoon.cli.support.MonitorProcess;
import io.cocoon.cli.support.SelfLauncher;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.monitor.ContainerStdio;
import io.cocoon.monitor.ExecSession;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.oci.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code exec}: runs another process in the container's VM. In the foreground this process
 * relays its stdio and exits with its status; with {@code --detach} a small relay process stands
 * for it on the host (its pid goes in {@code --pid-file}), as conmon and the containerd shim
 * expect.
 */
public final class ExecCommand implements Command {
    @Override public String name() { return "exec"; }
    @Override public String usage() { return "<container-id> <command> [command options]  ||  -p process.json <container-id>"; }
    @Override public String summary() { return "execute new process inside the container"; }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("path to an AF_UNIX socket which will receive the pty master", "console-socket"),
                Opt.value("current working directory in the container", "cwd"),
                Opt.repeated("set environment variables", "env", "e"),
                Opt.bool("allocate a pseudo-TTY", "tty", "t"),
                Opt.value("UID (format: <uid>[:<gid>])", "user", "u"),
                Opt.repeated("additional gids", "additional-gids", "g"),
                Opt.value("path to the process.json", "process", "p"),
                Opt.bool("detach from the container's process", "detach", "d"),
                Opt.value("specify the file to write the process id to", "pid-file"),
                Opt.value("accepted for runc compatibility (SELinux is not used in the guest)", "process-label"),
                Opt.value("accepted for runc compatibility (AppArmor is not used in the guest)", "apparmor"),
                Opt.bool("set the no new privileges value for the process", "no-new-privs"),
                Opt.repeated("add a capability to the bounding set for the process", "cap", "c"),
                Opt.value("pass N additional file descriptors (must be 0 across a VM)", "preserve-fds"),
                Opt.bool("allow exec in a paused container", "ignore-paused"),
                Opt.value("accepted for runc compatibility (the process joins the container's guest cgroup)", "cgroup"));
    }

    @Override
    public int run(Context ctx, Args args) throws IOException {
        String id = args.id(name());
        RunCommand.checkPreserveFds(args);
        ContainerRecord r = Containers.read(ctx.store(), id);
        String status = Containers.status(r);
        if (State.STOPPED.equals(status)) throw new CocoonException("cannot exec in a stopped container");
        if (State.PAUSED.equals(status) && !args.flag("ignore-paused")) throw new CocoonException("cannot exec in a paused container");
        ExecProcess.Built p = ExecProcess.build(ctx, id, args);
        String socket = args.value("console-socket");
        if (p.terminal() && args.flag("detach") && socket == null) {
            throw new CocoonException("cannot allocate tty if cocoon will detach without setting console socket");
        }
        if (!p.terminal() && socket != null) {
            throw new CocoonException("cannot use console socket if the process does not have a terminal");
        }
        if (args.flag("detach")) return detach(ctx, id, p.payload(), args, p.terminal());
        ContainerStdio stdio = stdio(p.terminal(), socket);
        try {
            return ExecSession.run(ctx.store().socketDir(id), id, p.payload(), stdio, pid -> {
                if (args.has("pid-file")) MonitorProcess.writePidFile(Path.of(args.value("pid-file")), ProcessHandle.current().pid());
            });
        } finally {
            stdio.close();
        }
    }

    static ContainerStdio stdio(boolean terminal, String socket) throws IOException {
        if (!terminal) return ContainerStdio.inherited();
        return socket != null ? ContainerStdio.consoleSocket(socket) : ContainerStdio.ownTerminal();
    }

    /** Starts the relay process and returns once it has started the guest process. */
    private static int detach(Context ctx, String id, Tlv.Writer payload, Args args, boolean terminal) throws IOException {
        Path dir = ctx.store().dir(id);
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path req = dir.resolve("exec-" + tag + ".req");
        AtomicFiles.write(req, payload.toBytes());
        Path pidFile = args.has("pid-file") ? Path.of(args.value("pid-file")).toAbsolutePath() : dir.resolve("exec-" + tag + ".pid");
        Files.deleteIfExists(pidFile);
        List<String> cmd = SelfLauncher.command();
        cmd.addAll(ctx.global().forChild());
        cmd.add("exec-relay");
        cmd.addAll(List.of("--pid-file", pidFile.toString()));
        if (args.has("console-socket")) cmd.addAll(List.of("--console-socket", args.value("console-socket")));
        cmd.addAll(List.of(id, req.toString()));
        // started detached (see SelfLauncher.detached): the engine's subreaper, not this JVM, reaps it
        ProcessBuilder pb = new ProcessBuilder(SelfLauncher.detached(cmd));
        if (terminal) {
            // the process's stdio is the pty: the relay must not keep the caller's pipes open
            pb.redirectInput(new java.io.File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
        } else {
            pb.inheritIO();
        }
        Process launcher = pb.start();
        try {
            launcher.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path failed = Path.of(req + ".err");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(pidFile)) {
            if (Files.exists(failed)) {
                String why = Files.readString(failed).trim();
                Files.deleteIfExists(failed);
                Files.deleteIfExists(req);
                throw new CocoonException(why);
            }
            if (System.currentTimeMillis() > deadline) {
                Files.deleteIfExists(req);
                throw new CocoonException("exec failed: the process did not start within 60 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CocoonException("interrupted");
            }
        }
        if (!args.has("pid-file")) Files.deleteIfExists(pidFile);
        return 0;
    }
}
