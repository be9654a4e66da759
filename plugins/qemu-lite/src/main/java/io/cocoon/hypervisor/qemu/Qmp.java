package io.cocoon.hypervisor.qemu;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal QMP client: line-delimited JSON over the QMP unix socket, one command at a time,
 * events skipped. Every command has a deadline.
 */
final class Qmp implements Closeable {
    private final SocketChannel channel;
    private final OutputStream out;
    private final ConcurrentLinkedQueue<CompletableFuture<Map<String, Object>>> waiting = new ConcurrentLinkedQueue<>();

    private Qmp(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        String greeting = in.readLine();
        if (greeting == null || !greeting.contains("QMP")) throw new IOException("not a QMP greeting: " + greeting);
        // virtual: it blocks on a channel (or a queue), and a platform thread's stack stays resident in every monitor
        Thread.ofVirtual().name("qmp-reader").start(() -> readLoop(in));
    }

    static Qmp connect(Path socket, long timeoutMs, java.util.function.BooleanSupplier alive) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        IOException last = null;
        while (System.currentTimeMillis() < deadline && alive.getAsBoolean()) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                Qmp q = new Qmp(ch);
                q.execute("qmp_capabilities", null, timeoutMs);
                return q;
            } catch (IOException e) {
                ch.close();
                last = e;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IOException("QMP socket " + socket + " not ready" + (last == null ? "" : ": " + last.getMessage()));
    }

    private void readLoop(BufferedReader in) {
        try {
            for (String line; (line = in.readLine()) != null; ) {
                Map<String, Object> m;
                try {
                    m = Json.parseObject(line);
                } catch (RuntimeException e) {
                    continue;
                }
                if (m.containsKey("event")) continue;
                CompletableFuture<Map<String, Object>> f = waiting.poll();
                if (f != null) f.complete(m);
            }
        } catch (IOException ignored) {
            // QEMU went away
        }
        CompletableFuture<Map<String, Object>> f;
        while ((f = waiting.poll()) != null) f.completeExceptionally(new IOException("QMP connection closed"));
    }

    /** Runs a command and returns its {@code return} value; a QMP error becomes a CocoonException. */
    synchronized Object execute(String command, Map<String, Object> arguments, long timeoutMs) {
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        waiting.add(f);
        Map<String, Object> req = arguments == null ? Map.of("execute", command) : Map.of("execute", command, "arguments", arguments);
        try {
            out.write((Json.write(req) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            Map<String, Object> r = f.get(timeoutMs, TimeUnit.MILLISECONDS);
            if (r.get("error") instanceof Map<?, ?> e) {
                throw new CocoonException("QMP " + command + ": " + e.get("desc"));
            }
            return r.get("return");
        } catch (java.util.concurrent.TimeoutException e) {
            waiting.remove(f);
            throw new CocoonException("QMP " + command + ": no answer within " + timeoutMs + " ms");
        } catch (java.util.concurrent.ExecutionException | IOException e) {
            waiting.remove(f);
            throw new CocoonException("QMP " + command + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException("QMP " + command + ": interrupted");
        }
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
