package io.cocoon.cli.support;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.AgentException;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ControlClient;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ProcStat;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Starts a detached monitor for a prepared container and waits until the container is created. */
public final class MonitorProcess {
    private MonitorProcess() {}

    /**
     * @param start also start the container ({@code run --detach})
     */
    public static void launchAndWait(Context ctx, Creation.Prepared p, Path pidFile, boolean start) {
        String id = p.id();
        long me = ProcessHandle.current().pid();
        try {
            List<String> cmd = SelfLauncher.command();
            cmd.addAll(ctx.global().forChild());
            cmd.addAll(List.of("monitor", id));
            ctx.log().debug("starting monitor: " + String.join(" ", cmd));
            ProcessBuilder pb = new ProcessBuilder(SelfLauncher.detached(cmd));
            if (p.launch().terminal()) {
                // With a terminal the container's stdio is the pty: like runc's init, the monitor must
                // not hold the caller's pipes, or a caller reading them to EOF (go-runc) waits forever.
                pb.redirectInput(new java.io.File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
            } else {
                pb.inheritIO();
            }
            Process launcher = pb.start();
            launcher.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            Creation.abort(ctx, id, p.lock());
            throw new CocoonException("cannot start the monitor: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long wait = p.launch().bootTimeoutMs() + 60_000;
        Path sock = ctx.store().socketDir(id).resolve(ControlClient.SOCKET);
        Path err = ctx.store().dir(id).resolve(ContainerFiles.ERROR);
        // The monitor is not our child: follow it through the pid it writes into state.json.
        java.util.function.BooleanSupplier alive = () -> {
            if (Files.exists(err)) return false;
            try {
                ContainerRecord r = ctx.store().read(id);
                return r.pid() == me || ProcStat.alive(r.pid(), r.pidStart());
            } catch (RuntimeException e) {
                return true;
            }
        };
        long monitorPid;
        try (AgentClient c = AgentClient.connect(sock, Duration.ofMillis(wait), alive)) {
            c.request(Proto.C_WAIT_CREATED, new Tlv.Writer().u32(Proto.T_TIMEOUT_MS, wait), Duration.ofMillis(wait + 1000));
            if (start) c.request(Proto.START, new byte[0], Duration.ofSeconds(60));
            monitorPid = ctx.store().read(id).pid();
        } catch (IOException | AgentException e) {
            String why = monitorError(ctx, id, alive, e.getMessage());
            Creation.abort(ctx, id, p.lock());
            throw new CocoonException(why);
        }
        if (pidFile != null) writePidFile(pidFile, monitorPid);
        p.lock().close();
    }

    /** The monitor's own account of a failure, if it wrote one, else what we saw. */
    private static String monitorError(Context ctx, String id, java.util.function.BooleanSupplier alive, String seen) {
        Path err = ctx.store().dir(id).resolve(ContainerFiles.ERROR);
        for (int i = 0; i < 50 && !Files.exists(err) && alive.getAsBoolean(); i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            if (Files.exists(err)) return Files.readString(err).trim();
        } catch (IOException ignored) {
            // fall through
        }
        return alive.getAsBoolean() ? "monitor did not report: " + seen : "monitor exited (" + seen + ")";
    }

    /** runc's pid file: the bare decimal pid, no newline, written atomically. */
    public static void writePidFile(Path pidFile, long pid) {
        try {
            Path abs = pidFile.toAbsolutePath();
            if (abs.getParent() != null) Files.createDirectories(abs.getParent());
            AtomicFiles.write(abs, Long.toString(pid));
        } catch (IOException e) {
            throw new CocoonException("cannot write pid file " + pidFile + ": " + e.getMessage());
        }
    }
}
