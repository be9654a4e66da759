package io.cocoon.core.agent;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The host end of the agent channel (docs/agent-protocol.md): request/reply with deadlines,
 * plus routing of stream frames to per-process listeners. One reader thread; writes are
 * serialised. Also used, unchanged, for the CLI-to-monitor control socket, which speaks the same
 * framing.
 */
public final class AgentClient implements Closeable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final Map<Integer, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final Map<Integer, ProcessListener> listeners = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile Consumer<Tlv.Fields> logSink = f -> { };
    private volatile Consumer<Frame> unsolicited = f -> { };
    private volatile Consumer<Frame> foreign;

    /**
     * Frame ids this end allocates stay below this: a pod's members use the ranges above it
     * ({@code k << 20}, docs/agent-protocol.md), and ids from {@code 0xF0000} are kept for
     * requests a proxy makes on a member's behalf ({@link #requestAs}).
     */
    public static final int LOCAL_IDS = 0xF0000;
    /** A frame id's container number (0 = this end's own container). */
    public static final int CTR_SHIFT = 20;

    private AgentClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel), 65536);
        this.out = Channels.newOutputStream(channel);
    }

    private AgentClient start() {
        // virtual: it blocks on a channel (or a queue), and a platform thread's stack stays resident in every monitor
        Thread.ofVirtual().name("agent-reader").start(this::readLoop);
        io.cocoon.core.util.ProcessExit.mayBlockInNative(); // its read parks on the poller, in epoll_wait
        return this;
    }

    /**
     * Connects to a unix socket, retrying until it accepts or {@code timeout} passes, and
     * giving up at once when {@code stillWorthTrying} says the other side has died.
     */
    public static AgentClient connect(Path socket, Duration timeout, BooleanSupplier stillWorthTrying) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        long sleep = 2;
        while (System.nanoTime() < deadline) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return new AgentClient(ch).start();
            } catch (IOException e) {
                ch.close();
                last = e;
            }
            if (!stillWorthTrying.getAsBoolean()) break;
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted connecting to " + socket);
            }
            sleep = Math.min(20, sleep * 2);
        }
        throw new IOException("cannot connect to " + socket + (last == null ? "" : ": " + last.getMessage()));
    }

    /**
     * Wraps an already connected channel (the monitor's side of a control connection). The
     * handler is installed before the first frame is read, so no request can slip past it.
     */
    public static AgentClient over(SocketChannel ch, Consumer<Frame> unsolicited) {
        AgentClient c = new AgentClient(ch);
        c.unsolicited = unsolicited;
        return c.start();
    }

    public void onLog(Consumer<Tlv.Fields> sink) {
        this.logSink = sink;
    }

    /** Frames that are neither replies nor addressed to a listener (control requests). */
    public void onUnsolicited(Consumer<Frame> handler) {
        this.unsolicited = handler;
    }

    /**
     * Frames whose id is in a pod member's range ({@code id >>> 20 != 0}) and answer no request
     * of ours: the sandbox's proxy relays them to the member's monitor.
     */
    public void onForeign(Consumer<Frame> router) {
        this.foreign = router;
    }

    public void listen(int procId, ProcessListener l) {
        listeners.put(procId, l);
    }

    public void unlisten(int procId) {
        listeners.remove(procId);
    }

    /** Sends a request and waits for OK (returning its fields) or ERROR (thrown). */
    public Tlv.Fields request(int type, byte[] payload, Duration timeout) {
        return requestAs(nextId.getAndUpdate(i -> i + 1 >= LOCAL_IDS ? 1 : i + 1), type, payload, timeout);
    }

    /**
     * A request with a frame id of the caller's choosing: a pod's proxy addresses a member's
     * container ({@code k << 20 | n}, with {@code n >= } {@link #LOCAL_IDS}, which the member
     * never uses).
     */
    public Tlv.Fields requestAs(int id, int type, byte[] payload, Duration timeout) {
        CompletableFuture<Frame> f = new CompletableFuture<>();
        pending.put(id, f);
        try {
            send(new Frame(type, id, payload));
            Frame reply = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Tlv.Fields fields = Tlv.Fields.parse(reply.payload());
            if (reply.type() == Proto.ERROR) {
                int errno = fields.u32(Proto.T_ERRNO).orElse(0L).intValue();
                throw new AgentException(errno, fields.str(Proto.T_MESSAGE).orElse("error " + errno));
            }
            return fields;
        } catch (TimeoutException e) {
            throw new AgentException(0, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new AgentException(0, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(0, "interrupted");
        } catch (IOException e) {
            throw new AgentException(0, "channel failed: " + e.getMessage());
        } finally {
            pending.remove(id);
        }
    }

    public Tlv.Fields request(int type, Tlv.Writer payload, Duration timeout) {
        return request(type, payload.toBytes(), timeout);
    }

    /** Sends a frame that has no reply (stream data, credit, a reply of our own). */
    public void send(Frame f) throws IOException {
        byte[] b = f.encode();
        synchronized (out) {
            out.write(b);
            out.flush();
        }
    }

    private void readLoop() {
        String why = "agent closed the channel";
        try {
            Frame f;
            while ((f = Frame.read(in)) != null) dispatch(f);
        } catch (IOException e) {
            why = "agent channel failed: " + e.getMessage();
        } catch (RuntimeException e) {
            why = "agent channel failed: " + e;
        }
        closed.complete(why);
        String reason = why;
        pending.values().forEach(p -> p.completeExceptionally(new IOException(reason)));
        listeners.values().forEach(l -> l.channelClosed(reason));
    }

    private void dispatch(Frame f) {
        Consumer<Frame> router = foreign;
        if (router != null && (f.id() >>> CTR_SHIFT) != 0 && !pending.containsKey(f.id())) {
            router.accept(f);
            return;
        }
        switch (f.type()) {
            case Proto.OK, Proto.ERROR -> {
                CompletableFuture<Frame> p = pending.get(f.id());
                if (p != null) p.complete(f);
            }
            case Proto.STDOUT, Proto.STDERR -> {
                ProcessListener l = listeners.get(f.id());
                if (l != null) l.output(f.type() == Proto.STDOUT ? Proto.STREAM_STDOUT : Proto.STREAM_STDERR, f.payload());
            }
            case Proto.STDIN_CREDIT -> {
                ProcessListener l = listeners.get(f.id());
                if (l != null) l.stdinCredit(Tlv.Fields.parse(f.payload()).u32(Proto.T_BYTES).orElse(0L).intValue());
            }
            case Proto.EXIT -> {
                ProcessListener l = listeners.get(f.id());
                Tlv.Fields fs = Tlv.Fields.parse(f.payload());
                ExitStatus st = fs.u32(Proto.T_EXIT_SIGNAL).map(s -> ExitStatus.killed(s.intValue()))
                        .orElseGet(() -> ExitStatus.exited(fs.u32(Proto.T_EXIT_CODE).orElse(255L).intValue()));
                if (l != null) l.exit(st);
            }
            case Proto.LOG -> logSink.accept(Tlv.Fields.parse(f.payload()));
            default -> unsolicited.accept(f);
        }
    }

    /** Completes with the reason when the channel closes. */
    public CompletableFuture<String> closed() {
        return closed;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
