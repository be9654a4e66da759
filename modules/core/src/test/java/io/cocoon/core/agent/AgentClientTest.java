package io.cocoon.core.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClientTest {
    private static final Duration LONG = Duration.ofSeconds(FakeAgent.WAIT_S);
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

    private CompletableFuture<Tlv.Fields> requestAsync(int type, Tlv.Writer payload, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> client.request(type, payload, timeout));
    }

    private static Throwable cause(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(FakeAgent.WAIT_S, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** Records what a process listener is told. */
    static final class Recorder implements ProcessListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override public void output(int stream, byte[] data) { events.add("out" + stream + ":" + new String(data)); }
        @Override public void stdinCredit(int bytes) { events.add("credit:" + bytes); }
        @Override public void exit(ExitStatus status) { events.add("exit:" + status.status()); }
        @Override public void channelClosed(String why) { events.add("closed:" + why); }

        String next() throws InterruptedException {
            String e = events.poll(FakeAgent.WAIT_S, TimeUnit.SECONDS);
            assertTrue(e != null, "no listener event in time");
            return e;
        }
    }

    @Test
    void requestGetsItsOkFields() throws Exception {
        CompletableFuture<Tlv.Fields> reply = requestAsync(Proto.HELLO, new Tlv.Writer().u32(Proto.T_VERSION, Proto.VERSION), LONG);
        Frame req = agent.answerOk(Proto.HELLO, new Tlv.Writer().u32(Proto.T_VERSION, 1).str(Proto.T_AGENT_VERSION, "0.1.0")
                .str(Proto.T_KERNEL, "6.1.0").u64(Proto.T_BOOT_MS, 321));
        assertEquals(Optional.of(1L), Tlv.Fields.parse(req.payload()).u32(Proto.T_VERSION));
        Tlv.Fields f = reply.get(FakeAgent.WAIT_S, TimeUnit.SECONDS);
        assertEquals(Optional.of("0.1.0"), f.str(Proto.T_AGENT_VERSION));
        assertEquals(Optional.of(321L), f.u64(Proto.T_BOOT_MS));
    }

    @Test
    void requestIdsAreDistinctAndRepliesMayComeOutOfOrder() throws Exception {
        CompletableFuture<Tlv.Fields> a = requestAsync(Proto.PING, new Tlv.Writer(), LONG);
        Frame ra = agent.next(Proto.PING);
        CompletableFuture<Tlv.Fields> b = requestAsync(Proto.PS, new Tlv.Writer(), LONG);
        Frame rb = agent.next(Proto.PS);
        assertTrue(ra.id() != rb.id());
        agent.send(Proto.OK, rb.id(), new Tlv.Writer().str(Proto.T_MESSAGE, "b"));
        agent.send(Proto.OK, 9999, new Tlv.Writer().str(Proto.T_MESSAGE, "stray"));
        agent.send(Proto.OK, ra.id(), new Tlv.Writer().str(Proto.T_MESSAGE, "a"));
        assertEquals(Optional.of("b"), b.get(FakeAgent.WAIT_S, TimeUnit.SECONDS).str(Proto.T_MESSAGE));
        assertEquals(Optional.of("a"), a.get(FakeAgent.WAIT_S, TimeUnit.SECONDS).str(Proto.T_MESSAGE));
    }

    @Test
    void errorReplyBecomesAgentExceptionWithErrno() throws Exception {
        CompletableFuture<Tlv.Fields> reply = requestAsync(Proto.SIGNAL,
                new Tlv.Writer().u32(Proto.T_PROC_ID, 1).u32(Proto.T_SIGNAL, 9), LONG);
        Frame req = agent.next(Proto.SIGNAL);
        agent.send(Proto.ERROR, req.id(), new Tlv.Writer().u32(Proto.T_ERRNO, 3).str(Proto.T_MESSAGE, "no such process"));
        AgentException e = assertInstanceOf(AgentException.class, cause(reply));
        assertEquals(3, e.errno());
        assertEquals("no such process", e.getMessage());

        CompletableFuture<Tlv.Fields> bare = requestAsync(Proto.RESIZE, new Tlv.Writer(), LONG);
        agent.send(Proto.ERROR, agent.next(Proto.RESIZE).id(), new Tlv.Writer().u32(Proto.T_ERRNO, 25));
        AgentException e2 = assertInstanceOf(AgentException.class, cause(bare));
        assertEquals(25, e2.errno());
        assertEquals("error 25", e2.getMessage());
    }

    @Test
    void unansweredRequestTimesOut() throws Exception {
        long t0 = System.nanoTime();
        AgentException e = assertThrows(AgentException.class,
                () -> client.request(Proto.STATS, new Tlv.Writer(), Duration.ofMillis(150)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals("no answer within 150 ms", e.getMessage());
        assertEquals(0, e.errno());
        assertTrue(ms >= 140 && ms < 3000, "took " + ms + " ms");
        Frame late = agent.next(Proto.STATS);
        agent.send(Proto.OK, late.id(), new Tlv.Writer()); // a late answer is dropped quietly
        CompletableFuture<Tlv.Fields> next = requestAsync(Proto.PING, new Tlv.Writer(), LONG);
        agent.answerOk(Proto.PING, new Tlv.Writer());
        next.get(FakeAgent.WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void streamFramesGoToTheListenerOfTheirProcess() throws Exception {
        Recorder one = new Recorder();
        Recorder two = new Recorder();
        client.listen(1, one);
        client.listen(2, two);
        agent.send(new Frame(Proto.STDOUT, 1, "hello".getBytes()));
        agent.send(new Frame(Proto.STDERR, 2, "oops".getBytes()));
        agent.send(Proto.STDIN_CREDIT, 1, new Tlv.Writer().u32(Proto.T_BYTES, 65536));
        agent.send(Proto.EXIT, 2, new Tlv.Writer().u32(Proto.T_EXIT_SIGNAL, 9));
        agent.send(Proto.EXIT, 1, new Tlv.Writer().u32(Proto.T_EXIT_CODE, 3));
        agent.send(new Frame(Proto.STDOUT, 3, "nobody listens".getBytes()));
        agent.send(new Frame(Proto.EXIT, 1));
        assertEquals("out1:hello", one.next());
        assertEquals("credit:65536", one.next());
        assertEquals("exit:3", one.next());
        assertEquals("exit:255", one.next(), "EXIT without a code or signal");
        assertEquals("out2:oops", two.next());
        assertEquals("exit:137", two.next());
        client.unlisten(1);
        agent.send(new Frame(Proto.STDOUT, 1, "gone".getBytes()));
        CompletableFuture<Tlv.Fields> barrier = requestAsync(Proto.PING, new Tlv.Writer(), LONG);
        agent.answerOk(Proto.PING, new Tlv.Writer());
        barrier.get(FakeAgent.WAIT_S, TimeUnit.SECONDS);
        assertTrue(one.events.isEmpty(), one.events.toString());
    }

    @Test
    void logAndUnsolicitedFramesHaveTheirOwnSinks() throws Exception {
        BlockingQueue<String> logs = new LinkedBlockingQueue<>();
        BlockingQueue<Frame> other = new LinkedBlockingQueue<>();
        client.onLog(f -> logs.add(f.u32(Proto.T_LEVEL).orElse(-1L) + ":" + f.str(Proto.T_MESSAGE).orElse("")));
        client.onUnsolicited(other::add);
        agent.send(Proto.LOG, 0, new Tlv.Writer().u32(Proto.T_LEVEL, 1).str(Proto.T_MESSAGE, "resynchronised"));
        agent.send(Proto.C_VMSTATS, 77, new Tlv.Writer());
        assertEquals("1:resynchronised", logs.poll(FakeAgent.WAIT_S, TimeUnit.SECONDS));
        Frame f = other.poll(FakeAgent.WAIT_S, TimeUnit.SECONDS);
        assertEquals(Proto.C_VMSTATS, f.type());
        assertEquals(77, f.id());
    }

    @Test
    void garbageOnTheChannelIsSkipped() throws Exception {
        CompletableFuture<Tlv.Fields> reply = requestAsync(Proto.PING, new Tlv.Writer(), LONG);
        Frame req = agent.next(Proto.PING);
        agent.sendBytes("[    0.000000] Linux version 6.1\n".getBytes());
        agent.send(Proto.OK, req.id(), new Tlv.Writer().str(Proto.T_MESSAGE, "pong"));
        assertEquals(Optional.of("pong"), reply.get(FakeAgent.WAIT_S, TimeUnit.SECONDS).str(Proto.T_MESSAGE));
    }

    @Test
    void closedChannelFailsPendingRequestsAndNotifiesListeners() throws Exception {
        Recorder r = new Recorder();
        client.listen(1, r);
        CompletableFuture<Tlv.Fields> pending = requestAsync(Proto.START, new Tlv.Writer(), Duration.ofSeconds(30));
        agent.next(Proto.START);
        agent.hangUp();
        AgentException e = assertInstanceOf(AgentException.class, cause(pending));
        assertEquals("agent closed the channel", e.getMessage());
        assertEquals("closed:agent closed the channel", r.next());
        assertEquals("agent closed the channel", client.closed().get(FakeAgent.WAIT_S, TimeUnit.SECONDS));
        assertFalse(client.isOpen());
    }

    @Test
    void sendWritesWholeFrames() throws Exception {
        List<Frame> sent = new CopyOnWriteArrayList<>();
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            int n = t;
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        client.send(new Frame(Proto.STDIN, n, new byte[1000 + i]));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join(TimeUnit.SECONDS.toMillis(FakeAgent.WAIT_S));
        for (int i = 0; i < 200; i++) sent.add(agent.next(Proto.STDIN));
        for (Frame f : sent) {
            assertTrue(f.id() >= 0 && f.id() < 4);
            assertTrue(f.payload().length >= 1000 && f.payload().length < 1050);
            assertArrayEquals(new byte[f.payload().length], f.payload());
        }
    }

    @Test
    void connectGivesUpWhenThereIsNoListener() {
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> AgentClient.connect(dir.resolve("nobody.sock"), Duration.ofSeconds(10), () -> false));
        assertTrue(e.getMessage().startsWith("cannot connect to " + dir.resolve("nobody.sock")), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "gave up at once");
        assertThrows(IOException.class, () -> AgentClient.connect(dir.resolve("nobody.sock"), Duration.ofMillis(100), () -> true));
    }

    /** The monitor's side of a control connection: a request sent right after connect reaches the handler. */
    @Test
    void overInstallsTheHandlerBeforeTheFirstFrame() throws Exception {
        Path sock = dir.resolve("ctl.sock");
        try (ServerSocketChannel server =
                     ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel cli = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                cli.connect(UnixDomainSocketAddress.of(sock));
                cli.write(ByteBuffer.wrap(new Frame(Proto.C_VMSTATS, 5).encode()));
                BlockingQueue<Frame> got = new LinkedBlockingQueue<>();
                try (AgentClient monitor = AgentClient.over(server.accept(), got::add)) {
                    Frame f = got.poll(FakeAgent.WAIT_S, TimeUnit.SECONDS);
                    assertEquals(Proto.C_VMSTATS, f.type());
                    assertEquals(5, f.id());
                    monitor.send(new Frame(Proto.OK, 5));
                    ByteBuffer reply = ByteBuffer.allocate(Frame.HEADER);
                    while (reply.hasRemaining()) cli.read(reply);
                    assertArrayEquals(new Frame(Proto.OK, 5).encode(), reply.array());
                }
            }
        }
    }
}
