package io.cocoon.monitor;

import io.cocoon.core.agent.AgentException;
import io.cocoon.core.agent.ExitStatus;
import io.cocoon.core.agent.Frame;
import io.cocoon.core.agent.ProcessIo;
import io.cocoon.core.agent.ProcessListener;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinylog.Logger;

/**
 * Serves control requests (docs/control-protocol.md): lifecycle requests the monitor handles
 * itself, exec sessions it relays, and guest queries it passes through to the agent.
 */
final class Requests implements ControlServer.Handler {
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(30);
    private final Monitor monitor;
    private final AtomicInteger nextProc = new AtomicInteger(2);
    private final java.util.Set<Integer> used = ConcurrentHashMap.newKeySet();
    /** Exec sessions by guest process id, to route STDIN from their client. */
    private final Map<Integer, ControlServer.Connection> sessions = new ConcurrentHashMap<>();

    Requests(Monitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void handle(ControlServer.Connection c, Frame f) {
        try {
            switch (f.type()) {
                case Proto.C_WAIT_CREATED -> waitCreated(c, f);
                case Proto.START -> {
                    ready();
                    monitor.start();
                    c.reply(f, null);
                }
                case Proto.SIGNAL -> signal(c, f);
                case Proto.C_PAUSE -> {
                    ready();
                    monitor.pause();
                    c.reply(f, null);
                }
                case Proto.C_RESUME -> {
                    ready();
                    monitor.resume();
                    c.reply(f, null);
                }
                case Proto.C_CHECKPOINT -> {
                    ready();
                    Tlv.Fields a = Tlv.Fields.parse(f.payload());
                    monitor.checkpoint(java.nio.file.Path.of(a.str(Proto.C_T_IMAGE_PATH)
                            .orElseThrow(() -> new CocoonException("checkpoint: no image path"))), a.has(Proto.C_T_LEAVE_RUNNING));
                    c.reply(f, null);
                }
                case Proto.EXEC -> exec(c, f);
                case Proto.STDIN -> monitor.agent().send(f);
                case Proto.PS, Proto.STATS, Proto.RESIZE, Proto.CLOSE_STDIN, Proto.UPDATE -> passThrough(c, f);
                case Proto.C_POD_ATTACH -> {
                    ready();
                    monitor.podProxy().attach(c, f);
                }
                case Proto.C_VMSTATS -> c.reply(f, new Tlv.Writer().str(Proto.T_MESSAGE,
                        io.cocoon.spi.json.Json.write(monitor.vm().stats())));
                default -> c.fail(f, 95, "unknown control request 0x" + Integer.toHexString(f.type()));
            }
        } catch (AgentException e) {
            c.fail(f, e.errno() == 0 ? 5 : e.errno(), e.getMessage());
        } catch (CocoonException e) {
            c.fail(f, 22, e.getMessage());
        } catch (IOException | RuntimeException e) {
            Logger.warn(e, "control request {} failed", f);
            c.fail(f, 5, String.valueOf(e.getMessage()));
        }
    }

    private void ready() {
        if (!monitor.created().isDone()) throw new CocoonException("the container is still being created");
        if (monitor.created().isCompletedExceptionally()) throw new CocoonException("the container failed to start");
    }

    private void waitCreated(ControlServer.Connection c, Frame f) {
        long timeout = Tlv.Fields.parse(f.payload()).u32(Proto.T_TIMEOUT_MS).orElse(monitor.launch().bootTimeoutMs() + 60_000);
        try {
            monitor.created().get(timeout, TimeUnit.MILLISECONDS);
            c.reply(f, null);
        } catch (ExecutionException e) {
            c.fail(f, 5, e.getCause().getMessage());
        } catch (TimeoutException e) {
            c.fail(f, 110, "the container was not created within " + timeout + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.fail(f, 4, "interrupted");
        }
    }

    /** SIGNAL to the container (proc 1) or an exec'd process; what happens is the lifecycle's call. */
    private void signal(ControlServer.Connection c, Frame f) {
        ready();
        int sig = Tlv.Fields.parse(f.payload()).u32(Proto.T_SIGNAL).orElse(15L).intValue();
        // the exit is known here a moment before the lifecycle records it
        Lifecycle.SignalAction action = monitor.exited().isDone() ? Lifecycle.SignalAction.NOT_RUNNING
                : monitor.lifecycle().signal(sig, f.payload());
        switch (action) {
            case NOT_RUNNING -> {
                c.fail(f, 3, "container not running");
                return;
            }
            case DEFERRED -> {
                c.reply(f, null); // delivered on resume, as a frozen process would get it
                return;
            }
            case RESUME_THEN_DELIVER -> monitor.resume(); // like the freezer, SIGKILL reaches a frozen container
            case DELIVER -> { }
        }
        monitor.agent().request(Proto.SIGNAL, f.payload(), AGENT_TIMEOUT);
        c.reply(f, null);
    }

    private void passThrough(ControlServer.Connection c, Frame f) {
        ready();
        if (monitor.lifecycle().isPaused()) {
            // the guest is frozen: answer now instead of after the agent deadline
            c.fail(f, 11, "the container is paused: its VM is frozen until resume");
            return;
        }
        Tlv.Fields r = monitor.agent().request(f.type(), f.payload(), AGENT_TIMEOUT);
        Tlv.Writer w = new Tlv.Writer();
        r.all().forEach(x -> w.bytes(x.tag(), x.value()));
        c.reply(f, w);
    }

    /**
     * EXEC: starts the process in the guest and relays its frames to this client. Output is
     * credited back to the agent only once written to the client's socket, so a slow client
     * slows its own process and nothing else.
     */
    private void exec(ControlServer.Connection c, Frame f) {
        ready();
        if (monitor.lifecycle().isPaused()) {
            c.fail(f, 11, "cannot exec in a paused container: its VM is frozen until resume");
            return;
        }
        if (monitor.lifecycle().isStopped() || monitor.exited().isDone()) {
            c.fail(f, 3, "cannot exec in a stopped container");
            return;
        }
        Tlv.Fields in = Tlv.Fields.parse(f.payload());
        // The client names the process (so it can listen before the first frame arrives); ids
        // are never reused within one VM.
        int proc = in.u32(Proto.T_PROC_ID).map(Long::intValue).orElseGet(nextProc::getAndIncrement);
        if (proc < 2 || !used.add(proc)) {
            c.fail(f, 17, "process id " + proc + " is already in use");
            return;
        }
        byte[] process = in.first(Proto.T_PROCESS).orElseThrow(() -> new CocoonException("EXEC without PROCESS"));
        boolean terminal = Tlv.Fields.parse(process).has(Proto.P_TERMINAL);
        sessions.put(proc, c);
        new Relay(c, proc, terminal);
        try {
            Tlv.Fields r = monitor.agent().request(Proto.EXEC,
                    new Tlv.Writer().u32(Proto.T_PROC_ID, proc).bytes(Proto.T_PROCESS, process), AGENT_TIMEOUT);
            c.reply(f, new Tlv.Writer().u32(Proto.T_PROC_ID, proc).u32(Proto.T_PID, r.u32(Proto.T_PID).orElse(0L)));
        } catch (RuntimeException e) {
            monitor.agent().unlisten(proc);
            sessions.remove(proc);
            throw e;
        }
    }

    @Override
    public void closed(ControlServer.Connection c) {
        sessions.values().removeIf(x -> x == c);
    }

    /**
     * Forwards one exec'd process's frames to its client: output through a {@link ProcessIo}
     * (its own writer threads, credit after delivery, end-of-stream frames on close), stdin
     * credit straight through, EXIT once all output is out.
     */
    private final class Relay implements ProcessListener {
        private final ControlServer.Connection client;
        private final int proc;
        private final ProcessIo io;

        Relay(ControlServer.Connection client, int proc, boolean terminal) {
            this.client = client;
            this.proc = proc;
            this.io = new ProcessIo(monitor.agent(), proc, new FrameStream(client, Proto.STDOUT, proc),
                    new FrameStream(client, Proto.STDERR, proc), true, terminal).closeOutputsAtEnd();
            monitor.agent().listen(proc, this); // replaces the listener ProcessIo registered
            io.exit().whenComplete((st, ex) -> {
                Tlv.Writer w = new Tlv.Writer();
                if (ex != null) w.u32(Proto.T_EXIT_CODE, 255);
                else if (st.signal() != 0) w.u32(Proto.T_EXIT_SIGNAL, st.signal());
                else w.u32(Proto.T_EXIT_CODE, st.code());
                client.send(new Frame(Proto.EXIT, proc, w.toBytes()));
                monitor.agent().unlisten(proc);
                sessions.remove(proc);
            });
        }

        @Override
        public void output(int stream, byte[] data) {
            io.output(stream, data);
        }

        @Override
        public void stdinCredit(int bytes) {
            client.send(new Frame(Proto.STDIN_CREDIT, proc, new Tlv.Writer().u32(Proto.T_BYTES, bytes).toBytes()));
        }

        @Override
        public void exit(ExitStatus status) {
            io.exit(status);
        }

        @Override
        public void channelClosed(String why) {
            io.channelClosed(why);
        }
    }

    /** Writes bytes as STDOUT/STDERR frames to a control client; close sends the end-of-stream frame. */
    private static final class FrameStream extends OutputStream {
        private final ControlServer.Connection client;
        private final int type;
        private final int proc;
        private boolean gone;

        FrameStream(ControlServer.Connection client, int type, int proc) {
            this.client = client;
            this.type = type;
            this.proc = proc;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // a vanished client must not stall the process: keep consuming (and crediting) its output
            if (!gone) gone = !client.send(new Frame(type, proc, Arrays.copyOfRange(b, off, off + len)));
        }

        @Override
        public void close() {
            if (!gone) client.send(new Frame(type, proc, new byte[0]));
        }
    }
}
