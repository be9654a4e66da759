package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.spi.SpiVersion;

/** {@code plugins}: what was loaded, from where, and which jars failed (never fatal). */
public final class PluginsCommand implements Command {
    @Override public String name() { return "plugins"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "list the drivers and spec handlers found, and plugin jars that failed to load"; }

    @Override
    public int run(Context ctx, Args args) {
        PluginRegistry r = ctx.plugins();
        ctx.out().println("SPI " + SpiVersion.VERSION + "; plugin directories: "
                + String.join(", ", PluginRegistry.defaultDirs().stream().map(Object::toString).toList()));
        ctx.out().printf("%-13s %-14s %-32s %-16s %-5s %s%n", "KIND", "NAME", "MODULE", "VERSION", "SPI", "LOCATION");
        for (PluginRegistry.PluginInfo i : r.infos()) {
            ctx.out().printf("%-13s %-14s %-32s %-16s %-5s %s%n", i.kind(), i.name(), i.module(), i.version(), i.spiVersion(),
                    i.location());
        }
        for (PluginRegistry.Problem p : r.problems()) ctx.out().println("BROKEN " + p.location() + ": " + p.message());
        return 0;
    }
}
