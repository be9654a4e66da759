package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.state.ContainerId;
import io.cocoon.spi.CocoonException;
import java.util.List;

/**
 * {@code restore}: a container from a {@link CheckpointCommand checkpoint}, made as by
 * {@code create} from {@code --bundle} but with the checkpoint's VM, processes where they were.
 * With {@code --detach} it returns once the container runs (engines); without, it stays, as
 * runc does, until the container exits and returns its exit status.
 */
public final class RestoreCommand implements Command {
    @Override public String name() { return "restore"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "restore a container from a previous checkpoint"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("path to an AF_UNIX socket for the pty master", "console-socket"),
                Opt.value("path to criu image files for restoring", "image-path"),
                Opt.value("path for saving work files and logs", "work-path"),
                Opt.bool("allow open tcp connections", "tcp-established"),
                Opt.bool("allow external unix sockets", "ext-unix-sk"),
                Opt.bool("allow shell jobs", "shell-job"),
                Opt.bool("handle file locks, for safety", "file-locks"),
                Opt.value("cgroups mode", "manage-cgroups-mode"),
                Opt.value("path to the root of the bundle directory", "bundle", "b"),
                Opt.bool("detach from the container's process", "detach", "d"),
                Opt.value("specify the file to write the process id to", "pid-file"),
                Opt.bool("accepted for runc compatibility", "no-subreaper"),
                Opt.bool("accepted for runc compatibility", "no-pivot"),
                Opt.repeated("create a namespace, but don't restore its properties", "empty-ns"),
                Opt.bool("enable auto deduplication of memory images", "auto-dedup"),
                Opt.bool("use userfaultfd to lazily restore memory pages", "lazy-pages"),
                Opt.value("accepted for runc compatibility", "lsm-profile"),
                Opt.value("accepted for runc compatibility", "lsm-mount-context"));
    }

    @Override
    public int run(Context ctx, Args args) throws java.io.IOException {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        ContainerId.validate(id);
        CheckpointCommand.ignoredCriuFlags(ctx, args, name());
        java.nio.file.Path image = java.nio.file.Path.of(args.value("image-path", "checkpoint"));
        io.cocoon.core.container.Container c = ctx.runtime().restore(RunCommand.createOptions(id, args, true), image);
        if (args.flag("detach")) return 0;
        return c.awaitExit();
    }
}
