package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Containers;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ControlClient;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.spec.ResourcesHandler;
import io.cocoon.monitor.Monitor;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

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
        Long memory = null, pids = null, quota = null, period = null, shares = null;
        if (args.has("resources")) {
            String f = args.value("resources");
            byte[] json;
            try {
                json = f.equals("-") ? ctx.in().readAllBytes() : Files.readAllBytes(Path.of(f));
            } catch (NoSuchFileException e) {
                throw new CocoonException("resources file " + f + " does not exist");
            }
            Linux.Resources r = SpecParser.resources(SpecParser.tree(json, f.equals("-") ? "stdin" : f), "");
            if (r.memory() != null) memory = r.memory().limit();
            if (r.pids() != null) pids = r.pids().limit();
            if (r.cpu() != null) {
                quota = r.cpu().quota();
                period = r.cpu().period();
                shares = r.cpu().shares();
                if (r.cpu().cpus() != null && !r.cpu().cpus().isEmpty()) throw refuse("cpu.cpus (cpuset)");
                if (r.cpu().mems() != null && !r.cpu().mems().isEmpty()) throw refuse("cpu.mems (cpuset)");
                if (r.cpu().realtimeRuntime() != null && r.cpu().realtimeRuntime() != 0) throw refuse("cpu.realtimeRuntime");
            }
            if (r.blockIO() != null && !r.blockIO().isEmpty()) throw refuse("blockIO");
            if (!r.hugepageLimits().isEmpty()) throw refuse("hugepageLimits");
        }
        for (String unsupported : List.of("cpuset-cpus", "cpuset-mems", "blkio-weight", "kernel-memory", "kernel-memory-tcp",
                "cpu-rt-period", "cpu-rt-runtime", "l3-cache-schema", "mem-bw-schema")) {
            if (args.has(unsupported)) throw refuse("--" + unsupported);
        }
        if (args.has("memory")) memory = num(args, "memory");
        if (args.has("pids-limit")) pids = num(args, "pids-limit");
        if (args.has("cpu-quota")) quota = num(args, "cpu-quota");
        if (args.has("cpu-period")) period = num(args, "cpu-period");
        if (args.has("cpu-share")) shares = num(args, "cpu-share");
        String status = Containers.status(Containers.read(ctx.store(), id));
        if (State.STOPPED.equals(status)) throw new CocoonException("container not running");
        Tlv.Writer w = new Tlv.Writer();
        boolean any = false;
        if (memory != null && memory != 0) {
            long vmMiB = Monitor.readLaunch(ctx.store(), id).vm().memoryMiB();
            long max = (vmMiB - ResourcesHandler.GUEST_OVERHEAD_MIB) << 20;
            if (memory > max) {
                throw new CocoonException("cannot raise the memory limit to " + (memory >> 20) + " MiB: the VM booted with "
                        + vmMiB + " MiB (at most " + (max >> 20) + " MiB for the container)");
            }
            w.u64(Proto.T_CGROUP_MEMORY_MAX, memory < 0 ? 0 : memory);
            any = true;
        }
        if (pids != null && pids != 0) {
            w.u64(Proto.T_CGROUP_PIDS_MAX, pids < 0 ? 0 : pids);
            any = true;
        }
        if (quota != null || period != null) {
            long p = period == null || period == 0 ? 100_000 : period;
            w.str(Proto.T_CPU_MAX, (quota == null || quota <= 0 ? "max" : quota.toString()) + " " + p);
            any = true;
        }
        if (shares != null && shares != 0) {
            // cgroup v1 shares (2..262144) to v2 weight (1..10000), the conversion runc and crun use
            long weight = 1 + ((Math.max(2, Math.min(262144, shares)) - 2) * 9999) / 262142;
            w.u64(Proto.T_CPU_WEIGHT, weight);
            any = true;
        }
        if (!any) return 0;
        try (ControlClient c = ControlClient.connect(ctx.store().socketDir(id), id, Duration.ofSeconds(5))) {
            c.call(Proto.UPDATE, w, Duration.ofSeconds(30));
        }
        return 0;
    }

    private static CocoonException refuse(String what) {
        return new CocoonException("update: " + what + " cannot be changed for a container in a VM");
    }

    private static long num(Args a, String name) {
        try {
            return Long.parseLong(a.value(name));
        } catch (NumberFormatException e) {
            throw new CocoonException("--" + name + " " + a.value(name) + ": must be a number");
        }
    }

}
