package io.cocoon.monitor;

import io.cocoon.core.agent.Frame;
import io.cocoon.core.control.FileRequest;
import io.cocoon.core.state.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.tinylog.Logger;

/**
 * The file side door of the control protocol ({@link FileRequest}): a request is a file holding
 * one frame, the reply another file. It exists for speed: a fresh JVM opens a unix socket in
 * ~20-30 ms of NIO initialisation, which dominated {@code cocoon start}; writing and polling two
 * small files costs well under a millisecond. Requests are served by the same {@link Requests}.
 */
final class FileRequests implements Closeable {
    private final WatchService watcher;
    private final Path dir;

    FileRequests(Path dir, ControlServer.Handler handler) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE); // a rename into the directory counts as a create
        // virtual: it blocks on a channel (or a queue), and a platform thread's stack stays resident in every monitor
        Thread.ofVirtual().name("file-requests").start(() -> loop(handler));
    }

    private void loop(ControlServer.Handler handler) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (!(e.context() instanceof Path name)) continue;
                    String n = name.toString();
                    if (n.endsWith(FileRequest.REQUEST)) serve(handler, dir.resolve(n));
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private void serve(ControlServer.Handler handler, Path request) {
        long t0 = System.nanoTime();
        Frame f;
        try {
            f = Frame.read(new ByteArrayInputStream(Files.readAllBytes(request)));
            Files.deleteIfExists(request);
        } catch (IOException e) {
            return; // gone or half written: the client times out and says so
        }
        if (f == null) return;
        final Frame req = f;
        Path reply = FileRequest.replyFor(request);
        Thread.ofVirtual().start(() -> handler.handle(new ControlServer.Connection() {
            @Override
            boolean send(Frame r) {
                try {
                    AtomicFiles.write(reply, r.encode());
                    Logger.debug("file request 0x{} answered in {} us", Integer.toHexString(req.type()), (System.nanoTime() - t0) / 1000);
                    return true;
                } catch (IOException e) {
                    Logger.debug("file reply {}: {}", reply, e.getMessage());
                    return false;
                }
            }
        }, f));
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
