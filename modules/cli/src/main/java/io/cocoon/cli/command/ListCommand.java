package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.JsonOutput;
import io.cocoon.core.container.Container;
import io.cocoon.core.container.ContainerRuntime;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.spi.CocoonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code list}: runc's table, {@code -q}, {@code --format json}; cc-oci-runtime's {@code --all}
 * adds the hypervisor, kernel and image columns (and fields).
 */
public final class ListCommand implements Command {
    @Override public String name() { return "list"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "lists containers started by cocoon with the given root"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("select one of: table or json (default: \"table\")", "format", "f"),
                Opt.bool("display only container IDs", "quiet", "q"),
                Opt.bool("also show the hypervisor, kernel, image and boot (cold or template) of each container", "all", "a"));
    }

    @Override
    public int run(Context ctx, Args args) {
        String format = args.value("format", "table");
        if (!format.equals("table") && !format.equals("json")) throw new CocoonException("invalid format option \"" + format + "\"");
        boolean all = args.flag("all");
        ContainerRuntime.Listing listing = ctx.runtime().list();
        List<Container> containers = listing.containers();
        // state that cannot be read still names a container (its VM may run): status "unknown"
        Map<String, String> unreadable = listing.unreadable();
        if (args.flag("quiet")) {
            containers.forEach(c -> ctx.out().println(c.id()));
            unreadable.keySet().forEach(ctx.out()::println);
            return 0;
        }
        if (format.equals("json")) {
            List<Object> out = new ArrayList<>();
            for (Container c : containers) {
                ContainerRecord r = c.record();
                Map<String, Object> m = c.state();
                if (all) {
                    m.put("hypervisor", r.hypervisor());
                    m.put("kernel", r.kernel());
                    m.put("image", r.image());
                    m.put("boot", c.boot());
                }
                out.add(m);
            }
            unreadable.forEach((id, why) -> {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("id", id);
                m.put("pid", 0);
                m.put("status", "unknown");
                m.put("error", why);
                out.add(m);
            });
            JsonOutput.line(ctx.out(), out);
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(all ? new String[] {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER", "HYPERVISOR", "KERNEL", "IMAGE", "BOOT"}
                : new String[] {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
        for (Container c : containers) {
            ContainerRecord r = c.record();
            Map<String, Object> m = c.state();
            List<String> row = new ArrayList<>(List.of(r.id(), String.valueOf(m.get("pid")), String.valueOf(m.get("status")),
                    r.bundle(), r.created(), r.owner()));
            if (all) row.addAll(List.of(dash(r.hypervisor()), dash(r.kernel()), dash(r.image()), c.boot()));
            rows.add(row.toArray(String[]::new));
        }
        for (String id : unreadable.keySet()) {
            List<String> row = new ArrayList<>(List.of(id, "0", "unknown", "-", "-", "-"));
            if (all) row.addAll(List.of("-", "-", "-", "-"));
            rows.add(row.toArray(String[]::new));
        }
        table(ctx, rows);
        return 0;
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /** Like Go's tabwriter(minwidth 12, padding 3), as runc prints it. */
    static void table(Context ctx, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) for (int i = 0; i < cols; i++) w[i] = Math.max(w[i], Math.max(9, r[i].length() + 3));
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sb.append(r[i]);
                if (i < cols - 1) sb.append(" ".repeat(w[i] - r[i].length()));
            }
            ctx.out().println(sb);
        }
    }
}
