package io.cocoon.core.container;

import io.cocoon.core.control.MonitorClient;
import io.cocoon.core.model.ContainerStats;
import io.cocoon.core.model.ExecOptions;
import io.cocoon.core.model.GuestProcess;
import io.cocoon.core.model.ResourceUpdate;
import io.cocoon.core.model.StdioFactory;
import io.cocoon.core.spec.ResourcesHandler;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One container, opened by id from the state store: the runc operations as methods, each
 * checking the container's {@link ContainerStatus} first (runc's wording on refusal) and then
 * asking its monitor through the typed {@link MonitorClient}. Commands are argument parsing,
 * one call here, and output.
 *
 * <p>Which operations take the container's lock follows runc: start, pause, resume and delete
 * do; state, kill, exec, ps, update and events do not (kill must work while another command
 * waits, and an exec session may last for hours).
 */
public final class Container {
    private final ContainerRuntime rt;
    private final String id;
    private ContainerRecord record;

    Container(ContainerRuntime rt, String id, ContainerRecord record) {
        this.rt = rt;
        this.id = id;
        this.record = record;
    }

    public String id() {
        return id;
    }

    /**
     * {@code cold}; {@code template:<mode>} when the VM was cloned from a template
     * (docs/templates.md); {@code restored} when it was loaded from a checkpoint (docs/checkpoint.md).
     */
    public String boot() {
        try {
            String[] b = java.nio.file.Files.readString(rt.store().dir(id).resolve(io.cocoon.core.state.ContainerFiles.BOOT)).strip().split(" ");
            if (b[0].equals("restored")) return "restored";
            return b.length >= 2 && b[0].equals("template") ? "template:" + b[1] : "cold";
        } catch (java.io.IOException e) {
            return "cold";
        }
    }

    /** What state.json said when this container was opened (or last refreshed). */
    public ContainerRecord record() {
        return record;
    }

    /** Re-reads state.json. */
    public Container refresh() {
        record = rt.store().read(id);
        return this;
    }

    /** The status to report: the stored one, or stopped when its monitor is gone. */
    public ContainerStatus status() {
        return status(record);
    }

    static ContainerStatus status(ContainerRecord r) {
        return r.status().effective(r.pid() > 0 && ProcStat.alive(r.pid(), r.pidStart()));
    }

    /** runc's {@code state} JSON. */
    public Map<String, Object> state() {
        return record.stateJson(status(), true);
    }

    private MonitorClient monitor() {
        ContainerRecord r = record;
        return new MonitorClient(rt.store().socketDir(id), id, () -> ProcStat.alive(r.pid(), r.pidStart()));
    }

    /** Lets the prepared process exec: fast, the VM is already up. */
    public void start() {
        try (StateStore.Lock ignored = rt.store().lock(id)) {
            refresh().status().requireStart();
            monitor().start();
        }
    }

    /** Sends {@code signal} to the container's init, or with {@code all} to all its processes. */
    public void kill(int signal, boolean all) {
        status().requireKill();
        try {
            monitor().signal(signal, all);
        } catch (CocoonException e) {
            // it may have exited between the check and the signal: say what runc says
            refresh().status().requireKill();
            throw e;
        }
    }

    /** Freezes the whole VM (all vCPUs). */
    public void pause() {
        try (StateStore.Lock ignored = rt.store().lock(id)) {
            refresh().status().requirePause();
            monitor().pause();
        }
    }

    /**
     * Waits for the container to stop (its monitor records the exit status, or dies) and returns
     * the status; 255 when none was recorded. A foreground {@code restore} waits this way, as
     * {@code run} waits for its own monitor.
     */
    public int awaitExit() {
        while (!refresh().status().isStopped()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 255;
            }
        }
        Integer st = refresh().record().exitStatus();
        return st == null ? 255 : st;
    }

    /** {@code checkpoint}: a running or paused container's VM, saved to {@code imagePath}. */
    public void checkpoint(java.nio.file.Path imagePath, boolean leaveRunning) {
        try (StateStore.Lock ignored = rt.store().lock(id)) {
            refresh().status().requireCheckpoint();
            monitor().checkpoint(imagePath.toAbsolutePath(), leaveRunning);
        }
    }

    public void resume() {
        try (StateStore.Lock ignored = rt.store().lock(id)) {
            refresh().status().requireResume();
            monitor().resume();
        }
    }

    /**
     * New limits for the container's cgroup in the guest. A VM cannot grow past the memory it
     * booted with, so a memory limit above that is refused in one line.
     */
    public void update(ResourceUpdate u) throws IOException {
        status().requireRunning();
        if (u.isEmpty()) return;
        Long memory = ResourceUpdate.nz(u.memory());
        if (memory != null && memory > 0) {
            long vmMiB = LaunchSpec.fromJson(Files.readString(dir().resolve(ContainerFiles.LAUNCH))).vm().memoryMiB();
            long max = (vmMiB - ResourcesHandler.GUEST_OVERHEAD_MIB) << 20;
            if (memory > max) {
                throw ContainerError.unsupported("cannot raise the memory limit to " + (memory >> 20) + " MiB: the VM booted with "
                        + vmMiB + " MiB (at most " + (max >> 20) + " MiB for the container)");
            }
        }
        monitor().update(u);
    }

    /** The container's processes, with guest pids. */
    public List<GuestProcess> ps() {
        status().requireRunning();
        return monitor().ps();
    }

    public ContainerStats stats() {
        status().requireRunning();
        return monitor().stats();
    }

    /**
     * Runs another process in the container's VM, relaying its stdio, and returns its exit status.
     *
     * @param consoleSocket where the pty master goes (with a terminal), or null
     * @param started called with the guest pid once it runs
     */
    public int exec(ExecOptions o, String consoleSocket, StdioFactory stdio, java.util.function.LongConsumer started)
            throws IOException {
        status().requireExec(o.ignorePaused());
        ExecProcess.Built p = ExecProcess.build(dir(), record, o);
        Exec.checkTerminal(p.terminal(), false, consoleSocket);
        return Exec.foreground(this, p, stdio, started);
    }

    /**
     * {@code exec --detach}: a relay process stands for the guest process on the host; its pid
     * goes in {@code pidFile}. Returns once the guest process runs (or fails with its reason).
     */
    public void execDetached(ExecOptions o, String consoleSocket, Path pidFile) throws IOException {
        status().requireExec(o.ignorePaused());
        ExecProcess.Built p = ExecProcess.build(dir(), record, o);
        Exec.checkTerminal(p.terminal(), true, consoleSocket);
        Exec.detached(rt, this, p, consoleSocket, pidFile);
    }

    Path dir() {
        return rt.store().dir(id);
    }

    Path socketDir() {
        return rt.store().socketDir(id);
    }
}
