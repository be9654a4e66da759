package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.MonitorProcess;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.monitor.ContainerStdio;
import io.cocoon.monitor.ExecSession;
import io.cocoon.monitor.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code exec-relay} (internal): stands on the host for a detached exec'd guest process. Its pid
 * is the one in the pid file, its stdio is the process's, and its exit status is the process's.
 */
public final class ExecRelayCommand implements Command {
    @Override public String name() { return "exec-relay"; }
    @Override public String usage() { return "<container-id> <request-file>"; }
    @Override public String summary() { return "(internal) relay for a detached exec"; }
    @Override public boolean listed() { return false; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("pid file", "pid-file"), Opt.value("console socket", "console-socket"));
    }

    @Override
    public int run(Context ctx, Args args) throws IOException {
        String id = args.id(name());
        args.exactly(name(), 2, usage());
        Path req = Path.of(args.positional().get(1));
        Path pidFile = Path.of(args.value("pid-file"));
        boolean[] started = new boolean[1];
        try {
            byte[] payload = Files.readAllBytes(req);
            Files.deleteIfExists(req);
            Posix.setsid();
            boolean terminal = Tlv.Fields.parse(payload).has(Proto.P_TERMINAL);
            ContainerStdio stdio = ExecCommand.stdio(terminal, args.value("console-socket"));
            Tlv.Writer process = new Tlv.Writer();
            Tlv.Fields.parse(payload).all().forEach(f -> process.bytes(f.tag(), f.value()));
            try {
                return ExecSession.run(ctx.store().socketDir(id), id, process, stdio, pid -> {
                    MonitorProcess.writePidFile(pidFile, ProcessHandle.current().pid());
                    started[0] = true;
                });
            } finally {
                stdio.close();
            }
        } catch (IOException | RuntimeException e) {
            // before the process started, the waiting exec command reports the failure
            if (!started[0]) io.cocoon.core.state.AtomicFiles.write(Path.of(req + ".err"), String.valueOf(e.getMessage()));
            throw e;
        }
    }
}
