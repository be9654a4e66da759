package io.cocoon.core.container;

import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ExecSession;
import io.cocoon.core.model.Stdio;
import io.cocoon.core.model.StdioFactory;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerError;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

/**
 * The three shapes of {@code exec}: in the foreground (this process relays), detached (a relay
 * process started through {@link SelfLauncher} stands for the guest process), and that relay.
 * The relay gets the encoded process in a request file next to the state, and reports a failure
 * before the process started in {@code <request>.err} for the waiting {@code exec}.
 */
final class Exec {
    static final long DETACH_DEADLINE_MS = 60_000;

    private Exec() {}

    static void checkTerminal(boolean terminal, boolean detach, String consoleSocket) {
        if (terminal && detach && consoleSocket == null) {
            throw ContainerError.invalid("cannot allocate tty if cocoon will detach without setting console socket");
        }
        if (!terminal && consoleSocket != null) {
            throw ContainerError.invalid("cannot use console socket if the process does not have a terminal");
        }
    }

    static int foreground(Container c, ExecProcess.Built p, StdioFactory stdio, LongConsumer started) {
        try (Stdio io = stdio.open(p.terminal())) {
            return ExecSession.run(c.socketDir(), c.id(), p.payload(), io, started);
        }
    }

    static void detached(ContainerRuntime rt, Container c, ExecProcess.Built p, String consoleSocket, Path pidFileArg)
            throws IOException {
        Path dir = c.dir();
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path req = dir.resolve("exec-" + tag + ".req");
        AtomicFiles.write(req, p.payload().toBytes());
        Path pidFile = pidFileArg != null ? pidFileArg.toAbsolutePath() : dir.resolve("exec-" + tag + ".pid");
        Files.deleteIfExists(pidFile);
        List<String> args = new ArrayList<>(rt.options().childFlags());
        args.add("exec-relay");
        args.addAll(List.of("--pid-file", pidFile.toString()));
        if (consoleSocket != null) args.addAll(List.of("--console-socket", consoleSocket));
        args.addAll(List.of("--", c.id(), req.toString()));
        SelfLauncher.startDetached(args, p.terminal());
        Path failed = Path.of(req + ".err");
        long deadline = System.currentTimeMillis() + DETACH_DEADLINE_MS;
        while (!Files.exists(pidFile)) {
            if (Files.exists(failed)) {
                String why = Files.readString(failed).trim();
                Files.deleteIfExists(failed);
                Files.deleteIfExists(req);
                throw new ContainerError(ContainerError.Kind.FAILED, why);
            }
            if (System.currentTimeMillis() > deadline) {
                Files.deleteIfExists(req);
                throw new ContainerError(ContainerError.Kind.FAILED, "exec failed: the process did not start within "
                        + DETACH_DEADLINE_MS / 1000 + " s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CocoonException("interrupted");
            }
        }
        if (pidFileArg == null) Files.deleteIfExists(pidFile);
    }

    static int relay(ContainerRuntime rt, String id, Path req, StdioFactory stdio, Path pidFile) throws IOException {
        boolean[] started = new boolean[1];
        try {
            Container c = rt.open(id);
            byte[] payload = Files.readAllBytes(req);
            Files.deleteIfExists(req);
            boolean terminal = Tlv.Fields.parse(payload).has(Proto.P_TERMINAL);
            Tlv.Writer process = new Tlv.Writer();
            Tlv.Fields.parse(payload).all().forEach(f -> process.bytes(f.tag(), f.value()));
            try (Stdio io = stdio.open(terminal)) {
                return ExecSession.run(c.socketDir(), c.id(), process, io, pid -> {
                    MonitorLauncher.writePidFile(pidFile, ProcessHandle.current().pid());
                    started[0] = true;
                });
            }
        } catch (IOException | RuntimeException e) {
            // before the process started, the waiting exec command reports the failure
            if (!started[0]) AtomicFiles.write(Path.of(req + ".err"), String.valueOf(e.getMessage()));
            throw e;
        }
    }
}
