package io.cocoon.monitor;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.Frame;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monitor's control socket ({@code ctl.sock}): accepts CLI connections and hands each
 * request frame to a {@link Handler}, on a thread per connection so that a slow request (START
 * waiting for hooks, a long EXEC session) never blocks the others.
 */
final class ControlServer implements Closeable {
    /** Serves one request; replies through {@link Connection#reply}/{@link Connection#fail}. */
    interface Handler {
        void handle(Connection c, Frame request);

        default void closed(Connection c) { }
    }

    /** One CLI connection (a socket), or one file request ({@link FileRequests}). */
    static class Connection {
        /** Completed right after the reader starts; replies wait for it, frames never do. */
        private final java.util.concurrent.CompletableFuture<AgentClient> channel = new java.util.concurrent.CompletableFuture<>();
        /** Set once a pod member has attached: every later frame goes here, in order ({@link PodProxy}). */
        private volatile java.util.function.Consumer<Frame> relay;

        void relay(java.util.function.Consumer<Frame> r) {
            relay = r;
        }

        AgentClient channel() {
            return channel.join();
        }

        void reply(Frame request, Tlv.Writer fields) {
            send(new Frame(Proto.OK, request.id(), fields == null ? new byte[0] : fields.toBytes()));
        }

        void fail(Frame request, int errno, String message) {
            send(new Frame(Proto.ERROR, request.id(), new Tlv.Writer().u32(Proto.T_ERRNO, errno)
                    .str(Proto.T_MESSAGE, message.replace('\n', ' ')).toBytes()));
        }

        /** Sends a frame to the client; false once the client has gone. */
        boolean send(Frame f) {
            try {
                channel().send(f);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private final ServerSocketChannel server;
    private final Path path;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    ControlServer(Path path, Handler handler) throws IOException {
        this.path = path;
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        // virtual: it blocks on a channel (or a queue), and a platform thread's stack stays resident in every monitor
        Thread.ofVirtual().name("control-accept").start(() -> acceptLoop(handler));
        io.cocoon.core.util.ProcessExit.mayBlockInNative(); // accept parks on the poller, in epoll_wait
    }

    private void acceptLoop(Handler handler) {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Connection c = new Connection();
                AgentClient ac = AgentClient.over(ch, f -> {
                    java.util.function.Consumer<Frame> relay = c.relay;
                    if (relay != null) {
                        relay.accept(f); // a pod member's agent frames: their order is the protocol's
                    } else if (f.type() == Proto.STDIN || f.type() == Proto.CLOSE_STDIN || f.type() == Proto.C_POD_ATTACH) {
                        handler.handle(c, f); // in order, on the reader thread: stdin bytes must not reorder
                    } else {
                        // a virtual thread per request: requests may block (START, EXEC setup)
                        Thread.ofVirtual().name("control-" + f.type()).start(() -> handler.handle(c, f));
                    }
                });
                c.channel.complete(ac);
                connections.add(c);
                ac.closed().thenRun(() -> {
                    connections.remove(c);
                    handler.closed(c);
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.forEach(c -> c.channel().close());
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the state directory goes at delete
        }
    }
}
