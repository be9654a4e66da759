package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import java.util.List;

/**
 * {@code create}: boots the VM, prepares the container (rootfs mounted, process ready but not
 * executed), writes the pid file with the monitor's pid and returns. The monitor is started
 * detached, so the caller's subreaper (conmon, containerd-shim) adopts it when we exit.
 */
public final class CreateCommand implements Command {
    @Override public String name() { return "create"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "create a container"; }

    public static List<Opt> createOptions() {
        return List.of(
                Opt.value("path to the root of the bundle directory, defaults to the current directory", "bundle", "b"),
                Opt.value("path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", "console-socket"),
                Opt.value("specify the file to write the process id to", "pid-file"),
                Opt.bool("accepted for runc compatibility (the guest always pivots into the root)", "no-pivot"),
                Opt.bool("accepted for runc compatibility (the guest kernel has its own keyring)", "no-new-keyring"),
                Opt.value("pass N additional file descriptors to the container (not supported across a VM: must be 0)", "preserve-fds"),
                Opt.value("accepted for runc compatibility", "pidfd-socket"));
    }

    @Override
    public List<Opt> options() {
        return createOptions();
    }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        RunCommand.checkPreserveFds(args);
        ctx.runtime().create(RunCommand.createOptions(id, args, true), false);
        return 0;
    }
}
