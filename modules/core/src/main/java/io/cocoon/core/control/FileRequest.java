package io.cocoon.core.control;

import io.cocoon.core.agent.Frame;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.spi.CocoonException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * A control request through files rather than the socket, for the short-lived commands on the
 * engines' hot path (start, kill, pause, resume): the request is {@code <dir>/<nonce>.req} holding
 * one frame (written atomically), the answer {@code <dir>/<nonce>.rep}, polled with a deadline
 * and given up at once if the monitor dies. Opening a unix socket costs a fresh JVM ~20-30 ms of
 * NIO start-up; this costs well under one. See docs/control-protocol.md.
 */
public final class FileRequest {
    public static final String DIR = "req";
    public static final String REQUEST = ".req";
    public static final String REPLY = ".rep";

    private FileRequest() {}

    public static Path replyFor(Path request) {
        String n = request.getFileName().toString();
        return request.resolveSibling(n.substring(0, n.length() - REQUEST.length()) + REPLY);
    }

    /** Sends one request; OK fields are returned, ERROR becomes a one-line CocoonException. */
    public static Tlv.Fields call(Path socketDir, String id, int type, Tlv.Writer payload, Duration timeout,
                                  BooleanSupplier monitorAlive) {
        Path dir = socketDir.resolve(DIR);
        String nonce = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        Path req = dir.resolve(nonce + REQUEST);
        Path rep = dir.resolve(nonce + REPLY);
        try {
            if (!Files.isDirectory(dir)) throw new CocoonException("cannot reach the monitor of container " + id + ": no " + dir);
            AtomicFiles.write(req, new Frame(type, 1, payload.toBytes()).encode());
            long deadline = System.nanoTime() + timeout.toNanos();
            long spins = 0;
            while (true) {
                try {
                    byte[] b = Files.readAllBytes(rep);
                    Files.deleteIfExists(rep);
                    Frame f = Frame.read(new ByteArrayInputStream(b));
                    Tlv.Fields fields = Tlv.Fields.parse(f.payload());
                    if (f.type() == Proto.ERROR) throw new CocoonException(fields.str(Proto.T_MESSAGE).orElse("error"));
                    return fields;
                } catch (NoSuchFileException e) {
                    // not yet
                }
                if (System.nanoTime() > deadline) throw new CocoonException("the monitor of container " + id + " did not answer within "
                        + timeout.toMillis() + " ms");
                if (++spins % 64 == 0 && !monitorAlive.getAsBoolean()) {
                    throw new CocoonException("the monitor of container " + id + " has exited");
                }
                if (spins < 200) Thread.sleep(0, 200_000);
                else Thread.sleep(2);
            }
        } catch (IOException e) {
            throw new CocoonException("cannot reach the monitor of container " + id + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException("interrupted");
        } finally {
            try {
                Files.deleteIfExists(req);
                Files.deleteIfExists(rep);
            } catch (IOException ignored) {
                // the directory goes with the container
            }
        }
    }
}
