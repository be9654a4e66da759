package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The guest side of the agent channel, scripted by the test: a unix socket server that records
 * every frame the client sends (read on its own thread) and sends whatever the test tells it to.
 */
final class FakeAgent implements AutoCloseable {
    static final long WAIT_S = 5;

    private final ServerSocketChannel server;
    private final Path socket;
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private SocketChannel conn;
    private OutputStream out;

    FakeAgent(Path dir) throws IOException {
        socket = dir.resolve("agent.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
    }

    Path socket() {
        return socket;
    }

    /** Connects a client and accepts it. */
    AgentClient connect() throws IOException {
        AgentClient c = AgentClient.connect(socket, Duration.ofSeconds(WAIT_S), () -> true);
        conn = server.accept();
        out = Channels.newOutputStream(conn);
        InputStream in = Channels.newInputStream(conn);
        Thread t = new Thread(() -> {
            try {
                Frame f;
                while ((f = Frame.read(in)) != null) received.add(f);
            } catch (IOException e) {
                // connection closed by one side
            }
        }, "fake-agent-reader");
        t.setDaemon(true);
        t.start();
        return c;
    }

    /** The next frame the client sent, waiting a bounded time. */
    Frame next() throws InterruptedException {
        Frame f = received.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(f, "no frame from the client within " + WAIT_S + " s");
        return f;
    }

    Frame next(int type) throws InterruptedException {
        Frame f = next();
        assertEquals(type, f.type(), () -> "expected type 0x" + Integer.toHexString(type) + ", got " + f);
        return f;
    }

    /** A frame if one arrives within {@code ms}, else null. */
    Frame poll(long ms) throws InterruptedException {
        return received.poll(ms, TimeUnit.MILLISECONDS);
    }

    void send(Frame f) throws IOException {
        synchronized (this) {
            out.write(f.encode());
            out.flush();
        }
    }

    void send(int type, int id, Tlv.Writer payload) throws IOException {
        send(new Frame(type, id, payload.toBytes()));
    }

    void sendBytes(byte[] raw) throws IOException {
        synchronized (this) {
            out.write(raw);
            out.flush();
        }
    }

    /** Answers the next request of {@code type} with OK carrying {@code reply}; returns the request. */
    Frame answerOk(int type, Tlv.Writer reply) throws InterruptedException, IOException {
        Frame req = next(type);
        send(Proto.OK, req.id(), reply);
        return req;
    }

    void hangUp() throws IOException {
        if (conn == null) fail("not connected");
        conn.close();
    }

    @Override
    public void close() throws IOException {
        if (conn != null) conn.close();
        server.close();
    }
}
