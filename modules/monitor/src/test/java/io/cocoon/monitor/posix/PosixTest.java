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
    @Test
    void aPtyPairCarriesBytesBothWaysAndItsSlaveIsATerminal() throws IOException {
        int[] pty = Posix.openpty();
        try {
            assertNotEquals(pty[0], pty[1]);
            assertTrue(Posix.isatty(pty[1]));
            assertFalse(Posix.isatty(-1));
            Posix.makeRaw(pty[1]); // no echo, no line discipline: bytes arrive as written
            OutputStream toSlave = FdStreams.output(pty[0]);
            toSlave.write("ping".getBytes(StandardCharsets.UTF_8));
            byte[] got = new byte[4];
            InputStream fromSlave = FdStreams.input(pty[1]);
            int n = 0;
            while (n < 4) n += fromSlave.read(got, n, 4 - n);
            assertEquals("ping", new String(got, StandardCharsets.UTF_8));
            Posix.writeFully(pty[1], "pong!".getBytes(StandardCharsets.UTF_8), 4);
            byte[] back = new byte[16];
            assertEquals(4, Posix.read(pty[0], back));
            assertEquals("pong", new String(back, 0, 4, StandardCharsets.UTF_8));
        } finally {
            Posix.close(pty[0]);
            Posix.close(pty[1]);
        }
    }

    @Test
    void windowSizeIsWhatWasSetAndRawModeCanBeUndone() throws IOException {
        int[] pty = Posix.openpty();
        try {
            Posix.setWindowSize(pty[0], 43, 132);
            assertArrayEquals(new int[] {43, 132}, Posix.windowSize(pty[1]));
            byte[] before = Posix.makeRaw(pty[1]);
            byte[] raw = Posix.makeRaw(pty[1]);
            assertFalse(java.util.Arrays.equals(before, raw), "raw mode changes the settings");
            Posix.restore(pty[1], before);
            assertArrayEquals(before, Posix.makeRaw(pty[1]), "restore brings the first settings back");
        } finally {
            Posix.close(pty[0]);
            Posix.close(pty[1]);
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
            int[] pair = Posix.openpty(); // any fd would do: pass the slave, read what python wrote from the master
            try {
                Posix.makeRaw(pair[1]);
                Posix.sendFd(sock.toString(), pair[1], "/dev/ptmx");
                assertTrue(listener.waitFor(10, TimeUnit.SECONDS), "the listener did not finish");
                assertEquals(0, listener.exitValue());
                assertEquals("/dev/ptmx", Files.readString(out));
                byte[] buf = new byte[64];
                int n = Posix.read(pair[0], buf);
                assertEquals("through the passed fd", new String(buf, 0, n, StandardCharsets.UTF_8));
            } finally {
                Posix.close(pair[0]);
                Posix.close(pair[1]);
            }
        } finally {
            listener.destroyForcibly();
        }
    }
}
