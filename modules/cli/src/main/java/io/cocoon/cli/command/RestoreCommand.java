package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.state.ContainerId;
import io.cocoon.spi.CocoonException;
import java.util.List;

/** {@code restore}: the counterpart of {@link CheckpointCommand}; refuses in one line for now. */
public final class RestoreCommand implements Command {
    @Override public String name() { return "restore"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "restore a container from a previous checkpoint (not supported yet: fails in one line)"; }

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
    public int run(Context ctx, Args args) {
        ContainerId.validate(args.id(name()));
        throw new CocoonException("restore is not supported by this version of cocoon (see 'cocoon checkpoint')");
    }
}
