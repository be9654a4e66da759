package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.spi.CocoonException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code checkpoint}: the container's VM saved to {@code --image-path} (docs/checkpoint.md), a
 * VM snapshot rather than a CRIU image. runc's CRIU flags are accepted; those that mean nothing
 * for a VM are named in the log.
 */
public final class CheckpointCommand implements Command {
    @Override public String name() { return "checkpoint"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "checkpoint a running container (a VM snapshot; needs a block rootfs)"; }

    /** CRIU's options: a VM snapshot holds the whole guest, so each is either implied or moot. */
    static final List<String> CRIU_ONLY = List.of("tcp-established", "ext-unix-sk", "shell-job", "file-locks", "manage-cgroups-mode",
            "empty-ns", "auto-dedup", "lazy-pages", "status-fd", "page-server", "parent-path", "lsm-profile", "lsm-mount-context",
            "no-subreaper", "no-pivot");

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
        if (args.flag("pre-dump")) throw new CocoonException("checkpoint --pre-dump is not supported: a VM snapshot has no incremental pre-dump");
        Path image = Path.of(args.value("image-path", "checkpoint"));
        ignoredCriuFlags(ctx, args, name());
        ctx.runtime().open(id).checkpoint(image, args.flag("leave-running"));
        return 0;
    }

    /** One log line naming the CRIU flags given that mean nothing for a VM snapshot. */
    static void ignoredCriuFlags(Context ctx, Args args, String command) {
        List<String> given = CRIU_ONLY.stream().filter(args::has).toList();
        if (!given.isEmpty()) {
            io.cocoon.core.log.RuntimeLog.get().warn(command + ": ignored for a VM snapshot (it holds the whole guest: connections,"
                    + " locks, cgroups, namespaces): --" + String.join(", --", given));
        }
    }
}
