package io.cocoon.monitor;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.container.LaunchSpec;
import io.cocoon.core.control.ControlClient;
import io.cocoon.core.state.StateStore;
import io.cocoon.monitor.posix.Mounts;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostBind;
import io.cocoon.spi.Vm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A pod member's "VM": its sandbox's, reached through the sandbox monitor's {@link PodProxy}.
 * The channel it returns speaks the agent protocol exactly as a VM's agent socket does, so the
 * member's monitor runs the same lifecycle as any container's; only what is VM-wide differs:
 * pause freezes the member's guest cgroup rather than the vCPUs, and stopping it detaches the
 * member (the proxy kills what is left of it in the guest) rather than ending a VM.
 */
final class PodMemberVm implements Vm {
    private final String sandbox;
    private final Path socket;
    private final AgentClient channel;
    private final int container;

    private PodMemberVm(String sandbox, Path socket, AgentClient channel, int container) {
        this.sandbox = sandbox;
        this.socket = socket;
        this.channel = channel;
        this.container = container;
    }

    /** Hands the member's binds to the sandbox's monitor and joins its VM. */
    static PodMemberVm attach(StateStore store, LaunchSpec launch) throws IOException {
        String sandbox = launch.sandbox();
        Path socket = store.socketDir(sandbox).resolve(ControlClient.SOCKET);
        List<Integer> fds = new ArrayList<>();
        AgentClient c = null;
        try {
            Tlv.Writer w = new Tlv.Writer().str(Proto.C_T_MEMBER, launch.id()).u32(Proto.C_T_PID, ProcessHandle.current().pid());
            for (HostBind b : launch.hostBinds()) {
                if (!Files.exists(b.source())) throw new CocoonException("bind source " + b.source() + " does not exist");
                int fd = Mounts.openTree(b.source().toString(), b.recursive());
                fds.add(fd);
                w.nested(Proto.C_T_BIND, new Tlv.Writer().u32(Proto.C_B_FD, fd).str(Proto.C_B_TARGET, b.target().toString())
                        .flag(Proto.C_B_RO, b.readonly()));
            }
            try {
                c = AgentClient.connect(socket, Duration.ofSeconds(5), () -> true);
            } catch (IOException e) {
                throw new CocoonException("the pod's sandbox " + sandbox + " is not running (" + e.getMessage() + ")");
            }
            int k = c.request(Proto.C_POD_ATTACH, w, Duration.ofSeconds(30)).u32(Proto.C_T_CTR).orElse(0L).intValue();
            if (k <= 0) throw new CocoonException("the sandbox " + sandbox + " gave no container number");
            return new PodMemberVm(sandbox, socket, c, k);
        } catch (RuntimeException | IOException e) {
            if (c != null) c.close();
            throw e;
        } finally {
            // attached (or not) by now: the sandbox has opened them through /proc
            fds.forEach(Mounts::close);
        }
    }

    /** The agent channel, relayed by the sandbox's monitor. */
    AgentClient channel() {
        return channel;
    }

    @Override public long pid() { return 0; }

    @Override public Path agentSocket() { return socket; }

    @Override public String accelerator() { return "pod:" + sandbox; }

    @Override
    public List<String> commandLine() {
        return List.of("member of pod " + sandbox + " as guest container " + container);
    }

    @Override
    public void pause() {
        channel.request(Proto.FREEZE, new byte[0], Duration.ofSeconds(10));
    }

    @Override
    public void resume() {
        channel.request(Proto.THAW, new byte[0], Duration.ofSeconds(10));
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sandbox", sandbox);
        m.put("container", container);
        return m;
    }

    @Override
    public void stop(Duration grace) {
        channel.close();
    }

    @Override
    public void kill() {
        channel.close();
    }

    @Override
    public boolean isAlive() {
        return channel.isOpen();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return channel.closed().thenApply(why -> 0);
    }
}
