package io.cocoon.cli;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.GlobalOptions;
import io.cocoon.cli.support.Version;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.log.RuntimeLog;
import io.cocoon.spi.CocoonException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/** {@code cocoon [global flags] <command> [flags] [args]}: runc's command line. */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        io.cocoon.core.log.Timing.init();
        int rc = run(argv, System.out, System.err, System.in);
        System.out.flush();
        System.err.flush();
        io.cocoon.core.log.Timing.mark("exiting");
        // halt, not exit: nothing needs shutdown hooks (logs are written through at once), and
        // an orderly JVM shutdown costs a noticeable part of a fast command's few tens of ms;
        // _exit once a socket reader may be in native code (ProcessExit says why)
        io.cocoon.core.util.ProcessExit.now(rc);
    }

    public static int run(String[] argv, PrintStream out, PrintStream err, InputStream in) {
        RuntimeLog log = RuntimeLog.get();
        String commandName = "cocoon";
        try {
            Args global = Args.parse("cocoon", GlobalOptions.OPTS, Arrays.asList(argv));
            GlobalOptions g = GlobalOptions.from(global);
            List<String> rest = global.positional();
            commandName = rest.isEmpty() ? "cocoon" : rest.get(0);
            log = new RuntimeLog(g.log(), "json".equals(g.logFormat()), g.globalLog(), g.debug(), commandName);
            RuntimeLog.install(log);
            if (g.globalLog() != null) log.info("called: " + String.join(" ", argv));
            if (g.version()) {
                out.print(Version.text());
                return 0;
            }
            if (rest.isEmpty() || g.help()) {
                if (rest.isEmpty()) {
                    Help.print(out);
                    return g.help() ? 0 : 1;
                }
            }
            Command c = Commands.get(commandName);
            if (c == null) {
                throw new CocoonException("unknown command \"" + commandName + "\"; see 'cocoon --help'");
            }
            List<String> cmdArgs = rest.subList(1, rest.size());
            // --help/-h is the command's own only among its flags (before the first argument),
            // so `exec ID ls --help` runs `ls --help`
            if (g.help() || helpRequested(cmdArgs)) {
                Help.print(out, c);
                return 0;
            }
            if (g.criu() != null) log.debug("--criu " + g.criu() + " accepted: checkpoints are VM snapshots, criu is not used");
            Args a = Args.parse(commandName, c.options(), cmdArgs);
            Context ctx = new Context(g, log, out, err, in);
            return c.run(ctx, a);
        } catch (CocoonException e) {
            log.error(e.getMessage(), err);
            if (log.debugEnabled() && e.getCause() != null) log.debug(trace(e));
            return e.exitCode();
        } catch (Exception | Error e) {
            log.error("internal error in " + commandName + ": " + e, err);
            log.debug(trace(e));
            return 1;
        }
    }

    private static boolean helpRequested(List<String> args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) return true;
            if (a.equals("--") || !a.startsWith("-")) return false;
        }
        return false;
    }

    static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Prints usage lines. */
    static final class Help {
        private Help() {}

        static void print(PrintStream out) {
            out.println("cocoon - an OCI runtime that runs every container in its own lightweight VM");
            out.println();
            out.println("usage: cocoon [global options] command [command options] [arguments...]");
            out.println();
            out.println("commands:");
            for (String n : Commands.NAMES) {
                Command c = Commands.get(n);
                if (c.listed()) out.printf("   %-11s%s%n", n, c.summary());
            }
            out.println();
            out.println("global options:");
            for (Opt o : GlobalOptions.OPTS) printOpt(out, o);
        }

        static void print(PrintStream out, Command c) {
            out.println("usage: cocoon " + c.name() + (c.options().isEmpty() ? "" : " [command options]") + " " + c.usage());
            out.println();
            out.println(c.summary());
            if (!c.options().isEmpty()) {
                out.println();
                out.println("options:");
                for (Opt o : c.options()) printOpt(out, o);
            }
        }

        private static void printOpt(PrintStream out, Opt o) {
            StringBuilder names = new StringBuilder();
            for (String n : o.names()) {
                if (names.length() > 0) names.append(", ");
                names.append(n.length() == 1 ? "-" : "--").append(n);
            }
            if (o.value()) names.append(" value");
            out.printf("   %-28s %s%n", names, o.help());
        }
    }
}
