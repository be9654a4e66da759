package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.core.container.Container;
import io.cocoon.core.container.ContainerRuntime;
import io.cocoon.core.model.ExecOptions;
import io.cocoon.monitor.ContainerStdio;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
        Container c = ctx.runtime().open(id);
        List<String> rest = args.positional().subList(1, args.positional().size());
        ExecOptions o = new ExecOptions(args.has("process") ? Path.of(args.value("process")) : null, List.copyOf(rest),
                args.values("env"), args.flag("tty"), args.value("cwd"), args.value("user"), args.values("additional-gids"),
                args.values("cap"), args.flag("no-new-privs"), args.flag("ignore-paused"));
        String socket = args.value("console-socket");
        Path pidFile = args.has("pid-file") ? Path.of(args.value("pid-file")) : null;
        if (args.flag("detach")) {
            c.execDetached(o, socket, pidFile);
            return 0;
        }
        return c.exec(o, socket, ContainerStdio.factory(socket), pid -> {
            if (pidFile != null) ContainerRuntime.writePidFile(pidFile, ProcessHandle.current().pid());
        });
    }
}
