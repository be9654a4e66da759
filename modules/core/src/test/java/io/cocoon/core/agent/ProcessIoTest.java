package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessIoTest {
    @TempDir Path dir;
    private FakeAgent agent;
    private AgentClient client;

    @BeforeEach
    void connect() throws IOException {
        agent = new FakeAgent(dir);
        client = agent.connect();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        agent.close();
    }

    /** A synchronised sink, since ProcessIo writes from its own threads. */
    static final class Sink extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        volatile boolean closed;

        @Override public synchronized void write(int b) { buf.write(b); }
        @Override public synchronized void write(byte[] b, int off, int len) { buf.write(b, off, len); }
        @Override public void close() { closed = true; }
        synchronized String text() { return buf.toString(StandardCharsets.UTF_8); }
    }

    /** Frames are dispatched in order on one thread: once a later reply arrives, earlier frames were handled. */
    private void barrier() throws Exception {
        CompletableFuture<Tlv.Fields> f = CompletableFuture.supplyAsync(
                () -> client.request(Proto.PING, new Tlv.Writer(), Duration.ofSeconds(FakeAgent.WAIT_S)));
        Frame ping;
        while ((ping = agent.next()).type() != Proto.PING) {
            // skip credits sent meanwhile
        }
        agent.send(Proto.OK, ping.id(), new Tlv.Writer());
        f.get(FakeAgent.WAIT_S, TimeUnit.SECONDS);
    }

    private static String credit(Frame f) {
        Tlv.Fields t = Tlv.Fields.parse(f.payload());
        return f.id() + "/" + t.u32(Proto.T_STREAM).orElseThrow() + "/" + t.u32(Proto.T_BYTES).orElseThrow();
    }

    private void end(int procId) throws IOException {
        agent.send(new Frame(Proto.STDOUT, procId));
        agent.send(new Frame(Proto.STDERR, procId));
    }

    @Test
    void outputIsRoutedAndCreditedByteForByte() throws Exception {
        Sink out = new Sink();
        Sink err = new Sink();
        ProcessIo io = new ProcessIo(client, 1, out, err, true, false);
        agent.send(new Frame(Proto.STDOUT, 1, "hello ".getBytes()));
        agent.send(new Frame(Proto.STDERR, 1, "oops".getBytes()));
        agent.send(new Frame(Proto.STDOUT, 1, "world".getBytes()));
        Set<String> credits = new HashSet<>();
        for (int i = 0; i < 3; i++) credits.add(credit(agent.next(Proto.CREDIT)));
        assertTrue(credits.contains("1/2/4"), credits.toString());
        assertTrue(credits.contains("1/1/6") && credits.contains("1/1/5"), credits.toString());
        end(1);
        agent.send(Proto.EXIT, 1, new Tlv.Writer().u32(Proto.T_EXIT_CODE, 3));
        ExitStatus st = io.exit().get(FakeAgent.WAIT_S, TimeUnit.SECONDS);
        assertEquals(ExitStatus.exited(3), st);
        assertEquals(3, st.status());
        assertEquals("hello world", out.text());
        assertEquals("oops", err.text());
        assertFalse(out.closed, "outputs stay open unless asked");
        assertNull(agent.poll(50), "no credit for end-of-stream frames");
    }

    @Test
    void exitWaitsForEndOfStream() throws Exception {
        Sink out = new Sink();
        ProcessIo io = new ProcessIo(client, 2, out, null, true, false).closeOutputsAtEnd();
        agent.send(new Frame(Proto.STDOUT, 2, "last words".getBytes()));
        agent.send(Proto.EXIT, 2, new Tlv.Writer().u32(Proto.T_EXIT_SIGNAL, 9));
        barrier();
        assertFalse(io.exit().isDone(), "streams have not ended yet");
        end(2);
        ExitStatus st = io.exit().get(FakeAgent.WAIT_S, TimeUnit.SECONDS);
        assertEquals(ExitStatus.killed(9), st);
        assertEquals(137, st.status());
        assertEquals("last words", out.text());
        assertTrue(out.closed, "closeOutputsAtEnd closes the sink");
        assertEquals(2, io.procId());
    }

    @Test
    void terminalProcessesNeedNoStderrEnd() throws Exception {
        Sink out = new Sink();
        ProcessIo io = new ProcessIo(client, 1, out, new Sink(), false, true);
        agent.send(new Frame(Proto.STDOUT, 1, "$ ".getBytes()));
        agent.send(new Frame(Proto.STDOUT, 1));
        agent.send(Proto.EXIT, 1, new Tlv.Writer().u32(Proto.T_EXIT_CODE, 0));
        assertEquals(ExitStatus.exited(0), io.exit().get(FakeAgent.WAIT_S, TimeUnit.SECONDS));
        assertEquals("$ ", out.text());
        assertNull(agent.poll(50), "no CREDIT when outputCredit is off");
    }

    @Test
    void brokenSinkStillCreditsSoTheGuestIsNotStuck() throws Exception {
        OutputStream broken = new OutputStream() {
            @Override public void write(int b) throws IOException { throw new IOException("reader gone"); }
        };
        ProcessIo io = new ProcessIo(client, 1, broken, null, true, false);
        agent.send(new Frame(Proto.STDOUT, 1, new byte[100]));
        assertEquals("1/1/100", credit(agent.next(Proto.CREDIT)));
        end(1);
        agent.send(Proto.EXIT, 1, new Tlv.Writer().u32(Proto.T_EXIT_CODE, 1));
        assertEquals(1, io.exit().get(FakeAgent.WAIT_S, TimeUnit.SECONDS).status());
    }

    @Test
    void closedChannelFailsExit() throws Exception {
        ProcessIo io = new ProcessIo(client, 1, new Sink(), new Sink(), true, false);
        agent.hangUp();
        ExecutionException e = assertThrows(ExecutionException.class, () -> io.exit().get(FakeAgent.WAIT_S, TimeUnit.SECONDS));
        AgentException cause = assertInstanceOf(AgentException.class, e.getCause());
        assertEquals("agent closed the channel", cause.getMessage());
    }

    @Test
    void stdinPumpNeverExceedsCreditAndClosesAtEof() throws Exception {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        ProcessIo io = new ProcessIo(client, 1, null, null, true, false);
        io.pumpStdin(new ByteArrayInputStream(data));
        assertNull(agent.poll(100), "nothing before any credit");

        agent.send(Proto.STDIN_CREDIT, 1, new Tlv.Writer().u32(Proto.T_BYTES, 30));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < 30) {
            Frame f = agent.next(Proto.STDIN);
            assertEquals(1, f.id());
            got.writeBytes(f.payload());
        }
        assertEquals(30, got.size());
        assertNull(agent.poll(150), "no byte beyond the 30 granted");

        agent.send(Proto.STDIN_CREDIT, 1, new Tlv.Writer().u32(Proto.T_BYTES, 65536));
        Frame f;
        while ((f = agent.next()).type() == Proto.STDIN) got.writeBytes(f.payload());
        assertArrayEquals(data, got.toByteArray());
        assertEquals(Proto.CLOSE_STDIN, f.type());
        assertEquals(Optional.of(1L), Tlv.Fields.parse(f.payload()).u32(Proto.T_PROC_ID));
        assertNull(agent.poll(50));
        assertFalse(io.exit().isDone());
    }

    @Test
    void stdinPumpSendsCloseForEmptyInputOnceCredited() throws Exception {
        ProcessIo io = new ProcessIo(client, 4, null, null, true, false);
        io.pumpStdin(InputStream.nullInputStream());
        agent.send(Proto.STDIN_CREDIT, 4, new Tlv.Writer().u32(Proto.T_BYTES, 10));
        Frame f = agent.next(Proto.CLOSE_STDIN);
        assertEquals(Optional.of(4L), Tlv.Fields.parse(f.payload()).u32(Proto.T_PROC_ID));
        assertEquals(4, io.procId());
    }

    @Test
    void writeStdinWaitsForCreditAndFailsAfterExit() throws Exception {
        ProcessIo io = new ProcessIo(client, 1, null, null, true, false);
        CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
            try {
                io.writeStdin("abcdefgh".getBytes());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> w.get(100, TimeUnit.MILLISECONDS));
        agent.send(Proto.STDIN_CREDIT, 1, new Tlv.Writer().u32(Proto.T_BYTES, 5));
        assertEquals("abcde", new String(agent.next(Proto.STDIN).payload()));
        agent.send(Proto.STDIN_CREDIT, 1, new Tlv.Writer().u32(Proto.T_BYTES, 5));
        assertEquals("fgh", new String(agent.next(Proto.STDIN).payload()));
        w.get(FakeAgent.WAIT_S, TimeUnit.SECONDS);

        end(1);
        agent.send(Proto.EXIT, 1, new Tlv.Writer().u32(Proto.T_EXIT_CODE, 0));
        io.exit().get(FakeAgent.WAIT_S, TimeUnit.SECONDS);
        IOException e = assertThrows(IOException.class, () -> io.writeStdin("more".getBytes()));
        assertEquals("process 1 has exited", e.getMessage());
    }
}
