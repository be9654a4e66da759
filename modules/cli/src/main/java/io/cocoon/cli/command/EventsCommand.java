package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.JsonOutput;
import io.cocoon.core.container.Container;
import io.cocoon.core.model.ContainerStats;
import io.cocoon.core.model.GuestStats;
import io.cocoon.spi.CocoonException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code events}: runc's stats events, from the container's cgroup in the guest, and its
 * {@code oom} event when the guest's OOM killer takes one of the container's processes.
 * {@code --stats} prints one stats event and exits; otherwise one every {@code --interval} until
 * the container stops, with an {@code oom} event (within a second) each time the container's
 * OOM kill count rises.
 */
public final class EventsCommand implements Command {
    @Override public String name() { return "events"; }
    @Override public String usage() { return "<container-id>"; }
    @Override public String summary() { return "display container events such as OOM notifications, cpu, memory, and IO usage statistics"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("set the stats collection interval (default: 5s)", "interval"),
                Opt.bool("display the container's stats then exit", "stats"));
    }

    @Override
    public int run(Context ctx, Args args) throws InterruptedException {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        Duration interval = interval(args.value("interval", "5s"));
        Container c = ctx.runtime().open(id);
        if (args.flag("stats")) {
            JsonOutput.line(ctx.out(), event(id, c.stats()));
            return 0;
        }
        // runc prints an oom event as it happens and stats every interval: the guest's OOM kill
        // count is looked at every second (or interval, when shorter) between the stats
        long tick = Math.min(interval.toMillis(), OOM_POLL_MS);
        long ooms = -1;
        long nextStats = 0;
        while (true) {
            boolean stopped = c.refresh().status().isStopped();
            ContainerStats s;
            try {
                s = c.stats();
            } catch (CocoonException e) {
                if (stopped || c.refresh().status().isStopped()) return 0;
                throw e;
            }
            if (ooms >= 0 && s.guest().oomKills() > ooms) JsonOutput.line(ctx.out(), oom(id));
            ooms = s.guest().oomKills();
            if (stopped) return 0;
            long now = System.nanoTime() / 1_000_000;
            if (now >= nextStats) {
                JsonOutput.line(ctx.out(), event(id, s));
                nextStats = now + interval.toMillis();
            }
            Thread.sleep(tick);
        }
    }

    static final long OOM_POLL_MS = 1000;

    /** runc's {@code {"type":"oom","id":...}}: a process of the container was OOM-killed. */
    static Map<String, Object> oom(String id) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "oom");
        e.put("id", id);
        return e;
    }

    /** runc's {@code {"type":"stats","id":...,"data":{cpu, memory, pids, ...}}}, plus the hypervisor's view. */
    static Map<String, Object> event(String id, ContainerStats s) {
        GuestStats g = s.guest();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total", g.cpuTotalNs());
        usage.put("kernel", g.cpuSystemNs());
        usage.put("user", g.cpuUserNs());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("usage", usage);
        cpu.put("throttling", Map.of());
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("limit", g.memoryLimit());
        mem.put("usage", g.memoryUsage());
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("cache", g.memoryCache());
        memory.put("usage", mem);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("vm_total", g.vmMemoryTotal());
        raw.put("vm_available", g.vmMemoryAvailable());
        memory.put("raw", raw);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cpu", cpu);
        data.put("memory", memory);
        data.put("pids", Map.of("current", g.pids()));
        data.put("blkio", Map.of());
        data.put("hugetlb", Map.of());
        if (!s.hypervisor().isEmpty()) data.put("vm", s.hypervisor());
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "stats");
        e.put("id", id);
        e.put("data", data);
        return e;
    }

    /** Go durations as runc takes them: {@code 5s}, {@code 500ms}, {@code 1m}. */
    static Duration interval(String v) {
        try {
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            if (v.endsWith("m")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new CocoonException("invalid --interval \"" + v + "\": use e.g. 5s, 500ms, 1m");
    }
}
