package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.monitor.TemplateCache;
import io.cocoon.spi.CocoonException;
import java.util.List;

/**
 * {@code template list} and {@code template rm KEY|--all}: the VM template cache
 * (docs/templates.md). There is no {@code build}: a template is built from a container's plan on
 * its first use, and said so.
 */
public final class TemplateCommand implements Command {
    @Override public String name() { return "template"; }
    @Override public String usage() { return "list | rm <key>... | rm --all"; }
    @Override public String summary() { return "list or remove the VM templates containers are cloned from"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.bool("with rm: remove every template", "all", "a"));
    }

    @Override
    public int run(Context ctx, Args args) {
        List<String> p = args.positional();
        String sub = p.isEmpty() ? "" : p.get(0);
        switch (sub) {
            case "list" -> {
                ctx.out().println("templates in " + TemplateCache.dir() + " (default mode " + TemplateCache.defaultMode() + ")");
                ctx.out().printf("%-34s %-8s %-8s %-8s %-31s %s%n", "KEY", "MODE", "STATE", "DISK", "BUILT", "LAST USED");
                for (TemplateCache.Entry e : TemplateCache.list()) {
                    ctx.out().printf("%-34s %-8s %-8s %-8s %-31s %s%n", e.key(), e.mode(), mib(e.stateBytes()), mib(e.diskBytes()),
                            e.built(), e.lastUsed());
                }
                return 0;
            }
            case "rm" -> {
                // a subcommand's own flags come after it: template rm --all
                Args rm = Args.parse("template rm", options(), p.subList(1, p.size()));
                boolean all = args.flag("all") || rm.flag("all");
                List<String> keys = all ? TemplateCache.list().stream().map(TemplateCache.Entry::key).toList() : rm.positional();
                if (keys.isEmpty() && !all) throw new CocoonException("template rm: name a key (cocoon template list) or pass --all");
                int rc = 0;
                for (String k : keys) {
                    if (TemplateCache.remove(k)) ctx.out().println(k);
                    else {
                        ctx.err().println("template rm: no template " + k);
                        rc = 1;
                    }
                }
                return rc;
            }
            case "build" -> throw new CocoonException("template build: not supported; a template is built from a container's plan on"
                    + " its first use (docs/templates.md)");
            default -> throw new CocoonException("template: use 'template list' or 'template rm <key>|--all'");
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format("%.1fM", bytes / 1048576.0);
    }
}
