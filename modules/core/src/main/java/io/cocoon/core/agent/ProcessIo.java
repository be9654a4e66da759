package io.cocoon.core.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Relays one guest process's stdio between host streams and the agent, with the protocol's
 * credit-based flow control: output is written by its own thread (a slow reader of one stream
 * never stalls the channel) and credited back as it is delivered; stdin is sent no faster than
 * the agent grants.
 *
 * <p>{@link #exit()} completes once EXIT has arrived and both outputs have been written out.
 */
public final class ProcessIo implements ProcessListener {
    private static final byte[] END = new byte[0];

    private final AgentClient client;
    private final int procId;
    private final Sink stdout;
    private final Sink stderr;
    private final CompletableFuture<ExitStatus> exitFrame = new CompletableFuture<>();
    private final CompletableFuture<ExitStatus> exit;
    private final Object creditLock = new Object();
    private long stdinCredit;
    private volatile boolean closed;
    private volatile boolean closeOutputs;

    /**
     * @param out where stdout goes, or null to discard
     * @param err where stderr goes, or null to discard
     * @param outputCredit whether to send CREDIT frames (false when relaying to a client that
     *     credits on its own)
     * @param terminal the process has a pty: everything comes on stdout, stderr never ends
     */
    public ProcessIo(AgentClient client, int procId, OutputStream out, OutputStream err, boolean outputCredit,
                     boolean terminal) {
        this.client = client;
        this.procId = procId;
        this.stdout = new Sink(Proto.STREAM_STDOUT, out, outputCredit);
        this.stderr = new Sink(Proto.STREAM_STDERR, err, outputCredit);
        this.exit = CompletableFuture.allOf(stdout.done, stderr.done, exitFrame).thenApply(v -> exitFrame.join());
        if (terminal) stderr.queue.add(END);
        client.listen(procId, this);
    }

    /** Close the output streams at end of stream (relays that signal the end downstream). */
    public ProcessIo closeOutputsAtEnd() {
        closeOutputs = true;
        return this;
    }

    public int procId() {
        return procId;
    }

    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /** Starts a thread copying {@code in} to the process's stdin; EOF closes the guest stdin. */
    public void pumpStdin(InputStream in) {
        Thread t = new Thread(() -> copyStdin(in), "stdin-" + procId);
        t.setDaemon(true);
        t.start();
    }

    private void copyStdin(InputStream in) {
        byte[] buf = new byte[32768];
        try {
            while (!closed) {
                int want = (int) Math.min(buf.length, awaitCredit());
                if (want <= 0) return;
                int n = in.read(buf, 0, want);
                if (n < 0) break;
                if (n == 0) continue;
                synchronized (creditLock) {
                    stdinCredit -= n;
                }
                byte[] data = new byte[n];
                System.arraycopy(buf, 0, data, 0, n);
                client.send(new Frame(Proto.STDIN, procId, data));
            }
            if (!closed) {
                client.send(new Frame(Proto.CLOSE_STDIN, 0, new Tlv.Writer().u32(Proto.T_PROC_ID, procId).toBytes()));
            }
        } catch (IOException e) {
            // the process or the channel is gone; nothing more to send
        }
    }

    /** Writes bytes to the process's stdin, waiting for credit (for relays that own the source). */
    public void writeStdin(byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            long c = awaitCredit();
            if (c <= 0) throw new IOException("process " + procId + " has exited");
            int n = (int) Math.min(c, data.length - off);
            byte[] chunk = new byte[n];
            System.arraycopy(data, off, chunk, 0, n);
            synchronized (creditLock) {
                stdinCredit -= n;
            }
            client.send(new Frame(Proto.STDIN, procId, chunk));
            off += n;
        }
    }

    private long awaitCredit() {
        synchronized (creditLock) {
            while (stdinCredit <= 0 && !closed) {
                try {
                    creditLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            return closed ? 0 : stdinCredit;
        }
    }

    @Override
    public void output(int stream, byte[] data) {
        (stream == Proto.STREAM_STDOUT ? stdout : stderr).queue.add(data.length == 0 ? END : data);
    }

    @Override
    public void stdinCredit(int bytes) {
        synchronized (creditLock) {
            stdinCredit += bytes;
            creditLock.notifyAll();
        }
    }

    @Override
    public void exit(ExitStatus status) {
        exitFrame.complete(status);
        finish();
    }

    @Override
    public void channelClosed(String why) {
        stdout.queue.add(END);
        stderr.queue.add(END);
        exitFrame.completeExceptionally(new AgentException(0, why));
        finish();
    }

    private void finish() {
        closed = true;
        synchronized (creditLock) {
            creditLock.notifyAll();
        }
    }

    /** One output stream: a queue drained by its own writer thread. */
    private final class Sink {
        final int stream;
        final OutputStream target;
        final boolean credit;
        final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Sink(int stream, OutputStream target, boolean credit) {
            this.stream = stream;
            this.target = target;
            this.credit = credit;
            Thread t = new Thread(this::drain, (stream == 1 ? "stdout-" : "stderr-") + procId);
            t.setDaemon(true);
            t.start();
        }

        private void drain() {
            boolean broken = target == null;
            try {
                while (true) {
                    byte[] b = queue.take();
                    if (b == END) break;
                    if (!broken) {
                        try {
                            target.write(b);
                            target.flush();
                        } catch (IOException e) {
                            broken = true; // reader went away: keep crediting so the guest is not stuck
                        }
                    }
                    if (credit) {
                        try {
                            client.send(new Frame(Proto.CREDIT, procId, new Tlv.Writer()
                                    .u32(Proto.T_STREAM, stream).u32(Proto.T_BYTES, b.length).toBytes()));
                        } catch (IOException e) {
                            // channel gone; the END marker follows
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (closeOutputs && target != null) {
                    try {
                        target.close();
                    } catch (IOException ignored) {
                        // the reader is gone already
                    }
                }
                done.complete(null);
            }
        }
    }
}
