package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.core.container.ResourceFile;
import io.cocoon.core.model.ResourceUpdate;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import java.util.List;

/**
 * {@code update}: changes the container's resource limits, applied to its cgroup in the guest.
 * A VM cannot grow past the memory it booted with, so a memory limit above that is refused in
 * one line; fields that cannot change in a running VM (cpuset, blkio, hugetlb) are refused too.
 */
public final class UpdateCommand implements Command {
    @Override public String name() { return "update"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "update container resource constraints"; }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("path to a file containing the resources to update, or '-' to read from the standard input", "resources", "r"),
                Opt.value("CPU CFS period to be used for hardcapping (in usecs)", "cpu-period"),
                Opt.value("CPU CFS hardcap limit (in usecs)", "cpu-quota"),
                Opt.value("CPU shares (relative weight vs. other containers)", "cpu-share"),
                Opt.value("memory limit (in bytes)", "memory"),
                Opt.value("memory reservation or soft_limit (in bytes)", "memory-reservation"),
                Opt.value("total memory usage (memory + swap); set '-1' to enable unlimited swap", "memory-swap"),
                Opt.value("maximum number of pids allowed in the container", "pids-limit"),
                Opt.value("(not supported in a VM)", "cpuset-cpus"), Opt.value("(not supported in a VM)", "cpuset-mems"),
                Opt.value("(not supported in a VM)", "blkio-weight"), Opt.value("(not supported in a VM)", "kernel-memory"),
                Opt.value("(not supported in a VM)", "kernel-memory-tcp"), Opt.value("(not supported in a VM)", "cpu-rt-period"),
                Opt.value("(not supported in a VM)", "cpu-rt-runtime"), Opt.value("(not supported in a VM)", "l3-cache-schema"),
                Opt.value("(not supported in a VM)", "mem-bw-schema"));
    }

    @Override
    public int run(Context ctx, Args args) throws IOException {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        ResourceUpdate u = ResourceUpdate.NONE;
        if (args.has("resources")) {
            String f = args.value("resources");
            byte[] json;
            try {
                json = f.equals("-") ? ctx.in().readAllBytes() : Files.readAllBytes(Path.of(f));
            } catch (NoSuchFileException e) {
                throw new CocoonException("resources file " + f + " does not exist");
            }
            u = ResourceFile.parse(json, f.equals("-") ? "stdin" : f);
        }
        for (String unsupported : List.of("cpuset-cpus", "cpuset-mems", "blkio-weight", "kernel-memory", "kernel-memory-tcp",
                "cpu-rt-period", "cpu-rt-runtime", "l3-cache-schema", "mem-bw-schema")) {
            if (args.has(unsupported)) throw ResourceFile.refuse("--" + unsupported);
        }
        if (args.has("memory")) u = u.withMemory(bytes(args, "memory"));
        if (args.has("pids-limit")) u = u.withPids(num(args, "pids-limit"));
        if (args.has("cpu-quota")) u = u.withCpuQuota(num(args, "cpu-quota"));
        if (args.has("cpu-period")) u = u.withCpuPeriod(num(args, "cpu-period"));
        if (args.has("cpu-share")) u = u.withCpuShares(num(args, "cpu-share"));
        ctx.runtime().open(id).update(u);
        return 0;
    }

    /** runc's RAMInBytes: a number with an optional binary suffix (64m, 1g, 512KiB), or -1. */
    static long bytes(Args a, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(-?\\d+)\\s*([kmgtp]?)(i?b)?").matcher(a.value(name).strip());
        if (!m.matches()) throw new CocoonException("--" + name + " " + a.value(name) + ": must be a size in bytes (e.g. 67108864 or 64m)");
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        return n < 0 ? n : n << shift;
    }

    private static long num(Args a, String name) {
        try {
            return Long.parseLong(a.value(name));
        } catch (NumberFormatException e) {
            throw new CocoonException("--" + name + " " + a.value(name) + ": must be a number");
        }
    }
}
