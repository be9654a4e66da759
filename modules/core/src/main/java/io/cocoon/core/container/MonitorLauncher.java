package io.cocoon.core.container;

import io.cocoon.core.control.MonitorClient;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Starts the detached monitor of a prepared container and waits until the container is created. */
final class MonitorLauncher {
    /** How long past the boot deadline create waits for the monitor (hooks, the agent's CREATE). */
    static final long CREATE_GRACE_MS = 60_000;

    private MonitorLauncher() {}

    /**
     * @param start also start the container ({@code run --detach})
     */
    static void launchAndWait(ContainerRuntime rt, Creation.Prepared p, Path pidFile, boolean start) {
        String id = p.id();
        long me = ProcessHandle.current().pid();
        List<String> args = new ArrayList<>(rt.options().childFlags());
        args.addAll(List.of("monitor", "--", id));
        try {
            SelfLauncher.startDetached(Namespaces.monitorPrefix(p.launch().vm().netns()), args, p.launch().terminal());
        } catch (CocoonException e) {
            Creation.abort(rt, id, p.lock());
            throw e;
        }
        io.cocoon.core.log.Timing.mark("monitor started");
        long wait = p.launch().bootTimeoutMs() + CREATE_GRACE_MS + Creation.BOOT_QUEUE_MS;
        Path err = rt.store().dir(id).resolve(ContainerFiles.ERROR);
        // The monitor is not our child: follow it through the pid it writes into state.json, and
        // until then through its command line (setsid, nsenter, unshare and the JVM all carry
        // "monitor -- <id>"), so a monitor that dies before it writes anything is noticed at once.
        long launched = System.currentTimeMillis();
        long[] lastScan = {0};
        boolean[] seen = {true};
        BooleanSupplier alive = () -> {
            if (Files.exists(err)) return false;
            try {
                ContainerRecord r = rt.store().read(id);
                if (r.pid() != me) return ProcStat.alive(r.pid(), r.pidStart());
            } catch (RuntimeException e) {
                // not written yet
            }
            long now = System.currentTimeMillis();
            if (now - launched < 1000) return true;
            if (now - lastScan[0] >= 250) { // a /proc scan at most four times a second
                lastScan[0] = now;
                seen[0] = !io.cocoon.core.util.Processes.belongingTo(rt.store().root(), rt.store().dir(id), id,
                        StateStore.DEFAULT_ROOT).isEmpty();
            }
            return seen[0];
        };
        long monitorPid;
        try {
            new MonitorClient(rt.store().socketDir(id), id, alive).waitCreated(Duration.ofMillis(wait), alive, start);
            io.cocoon.core.log.Timing.mark("monitor reported created");
            monitorPid = rt.store().read(id).pid();
        } catch (IOException e) {
            String why = monitorError(rt, id, alive, e.getMessage());
            Creation.abort(rt, id, p.lock());
            throw new ContainerError(ContainerError.Kind.FAILED, why);
        }
        if (pidFile != null) writePidFile(pidFile, monitorPid);
        p.lock().close();
    }

    /** The monitor's own account of a failure, if it wrote one, else what we saw. */
    private static String monitorError(ContainerRuntime rt, String id, BooleanSupplier alive, String seen) {
        Path err = rt.store().dir(id).resolve(ContainerFiles.ERROR);
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
    static void writePidFile(Path pidFile, long pid) {
        try {
            Path abs = pidFile.toAbsolutePath();
            if (abs.getParent() != null) Files.createDirectories(abs.getParent());
            AtomicFiles.write(abs, Long.toString(pid));
        } catch (IOException e) {
            throw new CocoonException("cannot write pid file " + pidFile + ": " + e.getMessage());
        }
    }
}
