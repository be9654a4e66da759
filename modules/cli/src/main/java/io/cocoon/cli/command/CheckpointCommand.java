package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.spi.CocoonException;
import java.util.List;

/**
 * {@code checkpoint}: runc's flags are accepted; Cocoon's checkpoints will be VM snapshots, and
 * QEMU refuses to migrate a VM with a mounted 9p share, so this version refuses in one line
 * instead of writing an image that could not be restored.
 */
public final class CheckpointCommand implements Command {
    @Override public String name() { return "checkpoint"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "checkpoint a running container (not supported yet: fails in one line)"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("path for saving criu image files", "image-path"),
                Opt.value("path for saving work files and logs", "work-path"),
                Opt.value("path for previous criu image files in pre-dump", "parent-path"),
                Opt.bool("leave the process running after checkpointing", "leave-running"),
                Opt.bool("allow open tcp connections", "tcp-established"),
                Opt.bool("allow external unix sockets", "ext-unix-sk"),
                Opt.bool("allow shell jobs", "shell-job"),
                Opt.bool("use userfaultfd to lazily restore memory pages", "lazy-pages"),
                Opt.value("criu writes \\0 to this FD once lazy-pages is ready", "status-fd"),
                Opt.value("ADDRESS:PORT of the page server", "page-server"),
                Opt.bool("handle file locks, for safety", "file-locks"),
                Opt.bool("dump container's memory information only, leave the container running after this", "pre-dump"),
                Opt.value("cgroups mode", "manage-cgroups-mode"),
                Opt.repeated("create a namespace, but don't restore its properties", "empty-ns"),
                Opt.bool("enable auto deduplication of memory images", "auto-dedup"));
    }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        ctx.runtime().open(id);
        throw new CocoonException("checkpoint is not supported by this version of cocoon (VM snapshots of containers with 9p shares are not possible yet)");
    }
}
