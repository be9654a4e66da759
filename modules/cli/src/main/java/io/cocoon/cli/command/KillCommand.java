package io.cocoon.cli.command;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.core.spec.LinuxNames;
import io.cocoon.spi.CocoonException;
import java.util.List;

/**
 * {@code kill [--all] <id> [signal]}: the signal goes to the container process in the guest.
 * Numbers and names (TERM, SIGTERM) are accepted. Fast path.
 */
public final class KillCommand implements Command {
    @Override public String name() { return "kill"; }
    @Override public String usage() { return "<container-id> [signal]"; }
    @Override public String summary() { return "kill sends the specified signal (default: SIGTERM) to the container's init process"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.bool("send the specified signal to all processes inside the container", "all", "a"));
    }

    @Override
    public int run(Context ctx, Args args) {
        String id = args.id(name());
        if (args.positional().size() > 2) throw new CocoonException("kill: too many arguments (usage: cocoon kill " + usage() + ")");
        String sigText = args.positional().size() > 1 ? args.positional().get(1) : "SIGTERM";
        int sig = LinuxNames.signal(sigText);
        if (sig < 0) throw new CocoonException("invalid signal \"" + sigText + "\"");
        ctx.runtime().open(id).kill(sig, args.flag("all"));
        return 0;
    }
}
