package io.cocoon.cli.support;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import java.util.List;

/** One runc-style command; one class each, in {@code io.cocoon.cli.command}. */
public interface Command {
    String name();

    /** Positional arguments, for the usage line, e.g. {@code <container-id>}. */
    String usage();

    String summary();

    default List<Opt> options() {
        return List.of();
    }

    /** Whether {@code cocoon help} lists it (internal commands do not). */
    default boolean listed() {
        return true;
    }

    /** Returns the exit status. Failures are thrown as {@link io.cocoon.spi.CocoonException}. */
    int run(Context ctx, Args args) throws Exception;
}
