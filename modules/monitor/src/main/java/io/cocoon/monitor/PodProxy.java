package io.cocoon.monitor;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.Frame;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.state.ContainerId;
import io.cocoon.core.state.StateStore;
import io.cocoon.monitor.posix.Mounts;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinylog.Logger;

/**
 * The sandbox side of a pod (docs/kubernetes.md): each member's monitor attaches over the
 * control socket, gets a container number {@code k}, and from then on speaks the ordinary
 * one-container agent protocol through this proxy, which only moves frame ids into and out of
 * {@code k}'s range ({@code k << 20}; the agent scopes every request by it). Payloads are never
 * rewritten, so a member's monitor is the same code as any container's.
 *
 * <p>A member's rootfs and binds live in the host's mount namespace and this monitor's is private:
 * the member hands them over as open_tree(2) clones, which are attached here with move_mount(2)
 * into the member's directory of this VM's share, where the guest finds them.
 */
final class PodProxy {
    /** Ids the proxy uses for its own requests in a member's range: the member's stay below. */
    private static final int OWN_ID = 0xFFFFF;
    private static final int MAX_MEMBERS = 4095;
    private final Monitor monitor;
    private final Path share;
    private final AtomicInteger next = new AtomicInteger(1);
    private final Map<Integer, Member> members = new ConcurrentHashMap<>();

    private record Member(int k, String id, ControlServer.Connection conn, List<String> mounts, Path dir) {}

    PodProxy(Monitor monitor, Path stateDir) {
        this.monitor = monitor;
        this.share = stateDir.resolve("shared");
    }

    /** Routes the agent's frames in members' ranges (installed on the sandbox's agent channel). */
    void install(AgentClient agent) {
        agent.onForeign(this::fromAgent);
        agent.closed().thenRun(this::closeAll);
    }

    /** C_POD_ATTACH: mounts the member's pieces, gives it a number, turns its connection into a relay. */
    void attach(ControlServer.Connection c, Frame f) {
        Tlv.Fields in = Tlv.Fields.parse(f.payload());
        String id = in.str(Proto.C_T_MEMBER).orElseThrow(() -> new CocoonException("POD_ATTACH without a member id"));
        ContainerId.validate(id);
        long pid = in.u32(Proto.C_T_PID).orElse(0L);
        AgentClient agent = monitor.agent();
        if (agent == null || !agent.isOpen() || monitor.exited().isDone()) {
            throw new CocoonException("the sandbox " + monitor.launch().id() + " is not running");
        }
        int k = next.getAndIncrement();
        if (k > MAX_MEMBERS) throw new CocoonException("the pod has had " + MAX_MEMBERS + " containers; no more fit");
        Path dir = share.resolve(id);
        List<String> mounted = new ArrayList<>();
        try {
            for (Tlv.Fields b : in.nested(Proto.C_T_BIND)) mounted.add(mount(b, pid, dir));
        } catch (IOException | RuntimeException e) {
            unmount(mounted, dir);
            throw new CocoonException("pod member " + id + ": " + e.getMessage());
        }
        Member m = new Member(k, id, c, mounted, dir);
        members.put(k, m);
        c.relay(frame -> toAgent(m, frame));
        c.channel().closed().thenRun(() -> detach(m));
        Logger.info("pod member {} attached as container {} ({} binds)", id, k, mounted.size());
        c.reply(f, new Tlv.Writer().u32(Proto.C_T_CTR, k));
    }

    /** Attaches one of the member's open_tree clones, taken from its monitor's fd table. */
    private static String mount(Tlv.Fields b, long pid, Path dir) throws IOException {
        long fd = b.u32(Proto.C_B_FD).orElseThrow(() -> new IOException("bind without a descriptor"));
        Path target = Path.of(b.str(Proto.C_B_TARGET).orElseThrow(() -> new IOException("bind without a target"))).normalize();
        // a member mounts only into its own directory of the share
        if (!target.startsWith(dir) || !Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("bind target " + target + " is not a prepared path under " + dir);
        }
        int mine = Mounts.openPath("/proc/" + pid + "/fd/" + fd);
        try {
            Mounts.moveMount(mine, target.toString());
        } finally {
            Mounts.close(mine);
        }
        if (b.has(Proto.C_B_RO)) Mounts.mount(null, target.toString(), null, Mounts.MS_BIND | Mounts.MS_REMOUNT | Mounts.MS_RDONLY, null);
        return target.toString();
    }

    private void toAgent(Member m, Frame f) {
        try {
            monitor.agent().send(new Frame(f.type(), (m.k() << AgentClient.CTR_SHIFT) | (f.id() & 0xFFFFF), f.payload()));
        } catch (IOException e) {
            m.conn().channel().close(); // the VM is gone: so is the member
        }
    }

    private void fromAgent(Frame f) {
        Member m = members.get(f.id() >>> AgentClient.CTR_SHIFT);
        if (m != null) m.conn().send(new Frame(f.type(), f.id() & 0xFFFFF, f.payload()));
    }

    /**
     * The member's monitor has gone (its container ended, it was killed, or delete --force):
     * everything of its container in the guest is killed, and its pieces unmounted.
     */
    private void detach(Member m) {
        if (members.remove(m.k()) == null) return;
        AgentClient agent = monitor.agent();
        if (agent != null && agent.isOpen()) {
            try {
                agent.requestAs((m.k() << AgentClient.CTR_SHIFT) | OWN_ID, Proto.SIGNAL,
                        new Tlv.Writer().u32(Proto.T_SIGNAL, 9).flag(Proto.T_ALL).toBytes(), Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Logger.debug("pod member {}: kill: {}", m.id(), e.getMessage()); // its init has already gone
            }
        }
        unmount(m.mounts(), m.dir());
        Logger.info("pod member {} (container {}) detached", m.id(), m.k());
    }

    /** The VM is going: every member's connection closes, and each member's monitor records 137. */
    void closeAll() {
        for (Member m : List.copyOf(members.values())) m.conn().channel().close();
    }

    private static void unmount(List<String> mounts, Path dir) {
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (!Mounts.umount(mounts.get(i), Mounts.MNT_DETACH)) Logger.debug("umount {}: not mounted", mounts.get(i));
        }
        try {
            StateStore.deleteTree(dir); // refuses to cross a mount point that is somehow still there
        } catch (IOException e) {
            Logger.warn("pod member directory {}: {}", dir, e.getMessage());
        }
    }
}
