package io.cocoon.core.control;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.AgentException;
import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.model.ContainerStats;
import io.cocoon.core.model.GuestProcess;
import io.cocoon.core.model.GuestStats;
import io.cocoon.core.model.ResourceUpdate;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The typed client of a container's monitor (docs/control-protocol.md): one method per request,
 * each with its deadline, each hiding its transport. start, kill, pause and resume go through
 * {@link FileRequest} (a fresh JVM reaches a file in well under a millisecond, a unix socket in
 * 20-30 ms); the rest through {@code ctl.sock}. Failures come back as one-line
 * {@link CocoonException}s with the monitor's own message.
 */
public final class MonitorClient {
    static final Duration SHORT = Duration.ofSeconds(5);
    static final Duration AGENT = Duration.ofSeconds(30);

    private final Path socketDir;
    private final String id;
    private final BooleanSupplier monitorAlive;

    /**
     * @param socketDir the container's socket directory ({@code StateStore.socketDir})
     * @param monitorAlive whether the monitor still runs: a file request gives up at once when not
     */
    public MonitorClient(Path socketDir, String id, BooleanSupplier monitorAlive) {
        this.socketDir = socketDir;
        this.id = id;
        this.monitorAlive = monitorAlive;
    }

    /** START: hooks, then the agent lets the prepared process exec. */
    public void start() {
        FileRequest.call(socketDir, id, Proto.START, new Tlv.Writer(), Duration.ofSeconds(60), monitorAlive);
    }

    /** SIGNAL to the container's init ({@code all}: every process of the container). */
    public void signal(int signal, boolean all) {
        FileRequest.call(socketDir, id, Proto.SIGNAL, signalPayload(1, signal, all), AGENT, monitorAlive);
    }

    /** SIGKILL to every process, over the socket with a short deadline: for delete. */
    public void killAll() {
        try (ControlClient c = ControlClient.connect(socketDir, id, Duration.ofSeconds(2))) {
            c.call(Proto.SIGNAL, signalPayload(1, 9, true), SHORT);
        }
    }

    public void pause() {
        FileRequest.call(socketDir, id, Proto.C_PAUSE, new Tlv.Writer(), AGENT, monitorAlive);
    }

    /** Saves the VM to {@code imagePath} (docs/checkpoint.md); the monitor refuses a VM it cannot save. */
    public void checkpoint(Path imagePath, boolean leaveRunning) {
        FileRequest.call(socketDir, id, Proto.C_CHECKPOINT, new Tlv.Writer().str(Proto.C_T_IMAGE_PATH, imagePath.toString())
                .flag(Proto.C_T_LEAVE_RUNNING, leaveRunning), Duration.ofSeconds(120), monitorAlive);
    }

    public void resume() {
        FileRequest.call(socketDir, id, Proto.C_RESUME, new Tlv.Writer(), AGENT, monitorAlive);
    }

    /** UPDATE: new limits for the container's cgroup in the guest. */
    public void update(ResourceUpdate u) {
        try (ControlClient c = ControlClient.connect(socketDir, id, SHORT)) {
            c.call(Proto.UPDATE, AgentPayloads.update(u), AGENT);
        }
    }

    public List<GuestProcess> ps() {
        Tlv.Fields r;
        try (ControlClient c = ControlClient.connect(socketDir, id, SHORT)) {
            r = c.call(Proto.PS, new Tlv.Writer(), AGENT);
        }
        List<GuestProcess> out = new ArrayList<>();
        for (Tlv.Fields p : r.nested(Proto.T_PROC)) {
            out.add(new GuestProcess(p.u32(Proto.T_PID).orElse(0L), p.u32(Proto.T_PPID).orElse(0L),
                    p.u32(Proto.T_UID).orElse(0L), p.str(Proto.T_STATE).orElse("?"), p.str(Proto.T_CMD).orElse("")));
        }
        return out;
    }

    /** The container's cgroup figures from the guest, and the hypervisor's own view (may be empty). */
    public ContainerStats stats() {
        try (ControlClient c = ControlClient.connect(socketDir, id, SHORT)) {
            Tlv.Fields r = c.call(Proto.STATS, new Tlv.Writer(), AGENT);
            GuestStats g = new GuestStats(r.u64(Proto.T_CPU_NS).orElse(0L), r.u64(Proto.T_CPU_USER_NS).orElse(0L),
                    r.u64(Proto.T_CPU_SYSTEM_NS).orElse(0L), r.u64(Proto.T_MEM_USAGE).orElse(0L),
                    r.u64(Proto.T_MEM_LIMIT).orElse(0L), r.u64(Proto.T_MEM_CACHE).orElse(0L), r.u64(Proto.T_PIDS).orElse(0L),
                    r.u64(Proto.T_MEM_TOTAL).orElse(0L), r.u64(Proto.T_MEM_AVAILABLE).orElse(0L), r.u64(Proto.T_OOM_KILLS).orElse(0L));
            Map<String, Object> vm = Map.of();
            try {
                vm = Json.parseObject(c.call(Proto.C_VMSTATS, new Tlv.Writer(), Duration.ofSeconds(10))
                        .str(Proto.T_MESSAGE).orElse("{}"));
            } catch (RuntimeException e) {
                // the hypervisor's figures are extra; the guest's are the event
            }
            return new ContainerStats(g, vm);
        }
    }

    /**
     * C_WAIT_CREATED on a monitor that is starting up: connects as soon as its socket exists
     * (giving up when {@code starting} says it died), waits until the container is created, then
     * optionally STARTs it over the same connection ({@code run --detach}).
     */
    public void waitCreated(Duration timeout, BooleanSupplier starting, boolean thenStart) throws IOException {
        try (AgentClient c = AgentClient.connect(socketDir.resolve(ControlClient.SOCKET), timeout, starting)) {
            io.cocoon.core.log.Timing.mark("connected to the monitor");
            c.request(Proto.C_WAIT_CREATED, new Tlv.Writer().u32(Proto.T_TIMEOUT_MS, timeout.toMillis()),
                    timeout.plusSeconds(1));
            if (thenStart) c.request(Proto.START, new byte[0], Duration.ofSeconds(60));
        } catch (AgentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static Tlv.Writer signalPayload(int proc, int signal, boolean all) {
        return new Tlv.Writer().u32(Proto.T_PROC_ID, proc).u32(Proto.T_SIGNAL, signal).flag(Proto.T_ALL, all);
    }

    public String id() {
        return id;
    }

    public Path socketDir() {
        return socketDir;
    }
}
