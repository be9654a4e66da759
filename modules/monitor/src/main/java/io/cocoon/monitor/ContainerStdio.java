package io.cocoon.monitor;

import io.cocoon.core.model.Stdio;
import io.cocoon.core.model.StdioFactory;
import io.cocoon.monitor.posix.FdStreams;
import io.cocoon.monitor.posix.Posix;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.tinylog.Logger;

/**
 * Where a guest process's stdio goes on the host, as runc would wire it: the stdio the monitor
 * inherited (pipes/FIFOs from a shim, a file, a terminal), or, with a terminal, a host pty whose
 * master is sent over {@code --console-socket} and whose slave the monitor relays raw; window
 * size changes on the host pty reach the guest pty.
 */
public final class ContainerStdio implements Stdio {
    private static final long RESIZE_POLL_MS = 100;

    private final InputStream in;
    private final OutputStream out;
    private final OutputStream err;
    private final int ttyFd;
    private final byte[] savedTermios;
    private volatile boolean closed;

    private ContainerStdio(InputStream in, OutputStream out, OutputStream err, int ttyFd, byte[] savedTermios) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.ttyFd = ttyFd;
        this.savedTermios = savedTermios;
    }

    /** The monitor's own fds 0, 1, 2, as inherited from create. */
    public static ContainerStdio inherited() {
        return new ContainerStdio(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), -1, null);
    }

    /** A new pty whose master goes to the engine over {@code consoleSocket}. */
    public static ContainerStdio consoleSocket(String consoleSocket) throws IOException {
        int[] pty = Posix.openpty();
        try {
            Posix.makeRaw(pty[1]);
            Posix.sendFd(consoleSocket, pty[0], "/dev/ptmx");
        } catch (IOException e) {
            Posix.close(pty[0]);
            Posix.close(pty[1]);
            throw new IOException("console socket " + consoleSocket + ": " + e.getMessage(), e);
        }
        Posix.close(pty[0]); // the engine holds the master now
        return new ContainerStdio(FdStreams.input(pty[1]), FdStreams.output(pty[1]), null, pty[1], null);
    }

    /** The caller's own terminal (foreground {@code run} with {@code process.terminal}), made raw. */
    public static ContainerStdio ownTerminal() throws IOException {
        if (!Posix.isatty(0)) throw new IOException("process.terminal is set but stdin is not a terminal; use --console-socket");
        byte[] saved = Posix.makeRaw(0);
        return new ContainerStdio(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                null, 0, saved);
    }

    /**
     * How runc wires a process's stdio: inherited without a terminal; with one, a pty whose
     * master goes over {@code consoleSocket}, or (foreground, no socket) the caller's own terminal.
     */
    public static StdioFactory factory(String consoleSocket) {
        return terminal -> {
            try {
                if (!terminal) return inherited();
                return consoleSocket != null ? consoleSocket(consoleSocket) : ownTerminal();
            } catch (IOException e) {
                throw new io.cocoon.spi.CocoonException(e.getMessage());
            }
        };
    }

    @Override public InputStream in() { return in; }
    @Override public OutputStream out() { return out; }
    @Override public OutputStream err() { return err; }
    @Override public boolean terminal() { return ttyFd >= 0; }

    /** Initial {rows, cols} of the host terminal, or null without one. */
    @Override
    public int[] size() {
        if (ttyFd < 0) return null;
        try {
            return Posix.windowSize(ttyFd);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reports host window-size changes (polled: a SIGWINCH handler would need the JVM's signal thread). */
    @Override
    public void forwardResizes(ResizeListener listener) {
        if (ttyFd < 0) return;
        Thread t = new Thread(() -> {
            int[] last = null;
            while (!closed) {
                int[] now = size();
                if (now != null && now[0] > 0 && (last == null || now[0] != last[0] || now[1] != last[1])) {
                    try {
                        listener.resized(now[0], now[1]);
                        last = now;
                    } catch (RuntimeException e) {
                        Logger.debug("resize: {}", e.getMessage());
                    }
                }
                try {
                    Thread.sleep(RESIZE_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "resize");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (savedTermios != null) Posix.restore(ttyFd, savedTermios);
        try {
            out.flush();
            if (err != null) err.flush();
        } catch (IOException ignored) {
            // the reader is gone
        }
    }
}
