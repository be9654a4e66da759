package io.cocoon.monitor.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libc calls, made for real: a pty pair, termios, window sizes, fd passing, errno in errors. */
class PosixTest {
    /** A pty pair, both ends closed at the end of the test's try block. */
    private record Pty(int master, int slave) implements AutoCloseable {
        static Pty open() throws IOException {
            int[] fds = Posix.openpty();
            return new Pty(fds[0], fds[1]);
        }

        @Override
        public void close() {
            Posix.close(master);
            Posix.close(slave);
        }
    }

    @Test
    void aPtyPairCarriesBytesBothWaysAndItsSlaveIsATerminal() throws IOException {
        try (Pty pty = Pty.open()) {
            assertNotEquals(pty.master(), pty.slave());
            assertTrue(Posix.isatty(pty.slave()));
            assertFalse(Posix.isatty(-1));
            Posix.makeRaw(pty.slave()); // no echo, no line discipline: bytes arrive as written
            OutputStream toSlave = FdStreams.output(pty.master());
            toSlave.write("ping".getBytes(StandardCharsets.UTF_8));
            byte[] got = new byte[4];
            InputStream fromSlave = FdStreams.input(pty.slave());
            int n = 0;
            while (n < 4) n += fromSlave.read(got, n, 4 - n);
            assertEquals("ping", new String(got, StandardCharsets.UTF_8));
            Posix.writeFully(pty.slave(), "pong!".getBytes(StandardCharsets.UTF_8), 4);
            byte[] back = new byte[16];
            assertEquals(4, Posix.read(pty.master(), back));
            assertEquals("pong", new String(back, 0, 4, StandardCharsets.UTF_8));
        }
    }

    @Test
    void windowSizeIsWhatWasSetAndRawModeCanBeUndone() throws IOException {
        try (Pty pty = Pty.open()) {
            Posix.setWindowSize(pty.master(), 43, 132);
            assertArrayEquals(new int[] {43, 132}, Posix.windowSize(pty.slave()));
            byte[] before = Posix.makeRaw(pty.slave());
            byte[] raw = Posix.makeRaw(pty.slave());
            assertFalse(java.util.Arrays.equals(before, raw), "raw mode changes the settings");
            Posix.restore(pty.slave(), before);
            assertArrayEquals(before, Posix.makeRaw(pty.slave()), "restore brings the first settings back");
        }
    }

    @Test
    void theSlaveReadsEndOfInputOnceTheMasterIsClosed() throws IOException {
        int[] pty = Posix.openpty();
        Posix.close(pty[0]);
        try {
            assertEquals(-1, FdStreams.input(pty[1]).read(new byte[8]));
        } finally {
            Posix.close(pty[1]);
        }
    }

    @Test
    void errorsNameTheCallAndTheKernelsReason() {
        IOException e = assertThrows(IOException.class, () -> Posix.windowSize(987654));
        assertEquals("ioctl(TIOCGWINSZ): Bad file descriptor (errno 9)", e.getMessage());
        e = assertThrows(IOException.class, () -> Posix.read(987654, new byte[1]));
        assertEquals("read: Bad file descriptor (errno 9)", e.getMessage());
        e = assertThrows(IOException.class, () -> Posix.sendFd("/nonexistent/console.sock", 0, "/dev/ptmx"));
        assertEquals("connect(/nonexistent/console.sock): No such file or directory (errno 2)", e.getMessage());
        e = assertThrows(IOException.class, () -> Posix.sendFd("/x".repeat(60), 0, "/dev/ptmx"));
        assertTrue(e.getMessage().startsWith("console socket path too long"), e.getMessage());
        e = assertThrows(IOException.class, () -> Posix.prctl(-1, 0));
        assertEquals("prctl(-1): Invalid argument (errno 22)", e.getMessage());
    }

    /** What a --console-socket listener (conmon, containerd's shim) receives: the name, and the fd. */
    @Test
    void sendFdPassesTheDescriptorWithItsNameOverAUnixSocket(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("console.sock");
        Path out = dir.resolve("received");
        // python's socket.recv_fds reads SCM_RIGHTS, which the JDK cannot; it writes through the fd it got
        Process listener = new ProcessBuilder("python3", "-c", """
                import socket, sys, os
                s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
                open(sys.argv[2] + '.ready', 'w').close()
                c, _ = s.accept()
                msg, fds, _, _ = socket.recv_fds(c, 64, 1)
                os.write(fds[0], b'through the passed fd')
                open(sys.argv[2], 'w').write(msg.decode())
                """, sock.toString(), out.toString()).inheritIO().start();
        try {
            Path ready = Path.of(out + ".ready");
            for (int i = 0; i < 200 && !Files.exists(ready); i++) Thread.sleep(25);
            assertTrue(Files.exists(ready), "the listener did not start");
            try (Pty pty = Pty.open()) { // any fd would do: pass the slave, read what python wrote from the master
                Posix.makeRaw(pty.slave());
                Posix.sendFd(sock.toString(), pty.slave(), "/dev/ptmx");
                assertTrue(listener.waitFor(10, TimeUnit.SECONDS), "the listener did not finish");
                assertEquals(0, listener.exitValue());
                assertEquals("/dev/ptmx", Files.readString(out));
                byte[] buf = new byte[64];
                int n = Posix.read(pty.master(), buf);
                assertEquals("through the passed fd", new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } finally {
            listener.destroyForcibly();
        }
    }
}
