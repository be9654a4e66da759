package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Containers;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ControlClient;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.oci.State;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code events}: runc's stats events, from the container's cgroup in the guest.
 * {@code --stats} prints one and exits; otherwise one every {@code --interval} until the
 * container stops.
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
    @SuppressWarnings("unchecked")
    public int run(Context ctx, Args args) throws InterruptedException {
        String id = args.id(name());
        args.exactly(name(), 1, usage());
        Duration interval = interval(args.value("interval", "5s"));
        while (true) {
            String status = Containers.status(Containers.read(ctx.store(), id));
            if (State.STOPPED.equals(status)) {
                if (args.flag("stats")) throw new CocoonException("container not running");
                return 0;
            }
            Tlv.Fields r;
            Object vm = null;
            try (ControlClient c = ControlClient.connect(ctx.store().socketDir(id), id, Duration.ofSeconds(5))) {
                r = c.call(Proto.STATS, new Tlv.Writer(), Duration.ofSeconds(30));
                // the hypervisor's view (QMP), beside the guest cgroup's figures
                try {
                    vm = Json.parse(c.call(Proto.C_VMSTATS, new Tlv.Writer(), Duration.ofSeconds(10)).str(Proto.T_MESSAGE).orElse("{}"));
                } catch (RuntimeException e) {
                    ctx.log().debug("vm stats: " + e.getMessage());
                }
            } catch (CocoonException e) {
                if (!args.flag("stats") && State.STOPPED.equals(Containers.status(ctx.store().read(id)))) return 0;
                throw e;
            }
            Map<String, Object> event = event(id, r);
            if (vm != null) ((Map<String, Object>) event.get("data")).put("vm", vm);
            ctx.out().println(Json.write(event));
            ctx.out().flush();
            if (args.flag("stats")) return 0;
            Thread.sleep(interval.toMillis());
        }
    }

    /** runc's {@code {"type":"stats","id":...,"data":{cpu, memory, pids, ...}}}. */
    static Map<String, Object> event(String id, Tlv.Fields r) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total", r.u64(Proto.T_CPU_NS).orElse(0L));
        usage.put("kernel", r.u64(Proto.T_CPU_SYSTEM_NS).orElse(0L));
        usage.put("user", r.u64(Proto.T_CPU_USER_NS).orElse(0L));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("usage", usage);
        cpu.put("throttling", Map.of());
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("limit", r.u64(Proto.T_MEM_LIMIT).orElse(0L));
        mem.put("usage", r.u64(Proto.T_MEM_USAGE).orElse(0L));
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("cache", r.u64(Proto.T_MEM_CACHE).orElse(0L));
        memory.put("usage", mem);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("vm_total", r.u64(Proto.T_MEM_TOTAL).orElse(0L));
        raw.put("vm_available", r.u64(Proto.T_MEM_AVAILABLE).orElse(0L));
        memory.put("raw", raw);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cpu", cpu);
        data.put("memory", memory);
        data.put("pids", Map.of("current", r.u64(Proto.T_PIDS).orElse(0L)));
        data.put("blkio", Map.of());
        data.put("hugetlb", Map.of());
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
