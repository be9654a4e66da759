package io.cocoon.monitor.posix;

import static io.cocoon.monitor.posix.Native.INT;
import static io.cocoon.monitor.posix.Native.LONG;
import static io.cocoon.monitor.posix.Native.PTR;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.cocoon.core.state.ProcStat;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few libc calls the JDK does not offer (ptys, termios, raw fd I/O, fd passing, sessions),
 * as checked wrappers: every failure is an IOException naming the call and the kernel's reason
 * with its errno ("read: Input/output error (errno 5)"). Handles are bound on first use, so a
 * monitor that never opens a pty never links those functions.
 */
public final class Posix {
    public static final int TIOCGWINSZ = 0x5413;
    public static final int TIOCSWINSZ = 0x5414;
    public static final int TCSANOW = 0;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_SET_CHILD_SUBREAPER = 36;
    /** glibc's struct termios is 60 bytes on x86_64 and aarch64; room to spare. */
    private static final int TERMIOS_SIZE = 64;

    private Posix() {}

    /** One class per group of calls: a handle is linked when its group is first used. */
    private static final class Session {
        static final MethodHandle SETSID = Native.function("setsid", FunctionDescriptor.of(INT), false);
        static final MethodHandle PRCTL = Native.function("prctl", FunctionDescriptor.of(INT, INT, LONG, LONG, LONG, LONG),
                true, Linker.Option.firstVariadicArg(1));
    }

    private static final class Tty {
        static final MethodHandle OPENPTY = Native.function("openpty", FunctionDescriptor.of(INT, PTR, PTR, PTR, PTR, PTR), true);
        static final MethodHandle IOCTL = Native.function("ioctl", FunctionDescriptor.of(INT, INT, LONG, PTR), true,
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle TCGETATTR = Native.function("tcgetattr", FunctionDescriptor.of(INT, INT, PTR), true);
        static final MethodHandle TCSETATTR = Native.function("tcsetattr", FunctionDescriptor.of(INT, INT, INT, PTR), true);
        static final MethodHandle CFMAKERAW = Native.function("cfmakeraw", FunctionDescriptor.ofVoid(PTR), false);
        static final MethodHandle ISATTY = Native.function("isatty", FunctionDescriptor.of(INT, INT), false);
    }

    private static final class Io {
        static final MethodHandle READ = Native.function("read", FunctionDescriptor.of(LONG, INT, PTR, LONG), true);
        static final MethodHandle WRITE = Native.function("write", FunctionDescriptor.of(LONG, INT, PTR, LONG), true);
        static final MethodHandle CLOSE = Native.function("close", FunctionDescriptor.of(INT, INT), false);
    }

    private static final class Sockets {
        static final MethodHandle SOCKET = Native.function("socket", FunctionDescriptor.of(INT, INT, INT, INT), true);
        static final MethodHandle CONNECT = Native.function("connect", FunctionDescriptor.of(INT, INT, PTR, INT), true);
        static final MethodHandle SENDMSG = Native.function("sendmsg", FunctionDescriptor.of(LONG, INT, PTR, INT), true);
    }

    private static IOException error(String call, MemorySegment state) {
        return new IOException(call + ": " + Native.reason(state));
    }

    private static IOException failed(String call, Throwable t) {
        return t instanceof IOException e ? e : new IOException(call + ": " + t, t);
    }

    /**
     * Starts a new session so that the caller's terminal and process group signals stop reaching
     * us. A process started through {@code setsid -f} (SelfLauncher) already leads one: then
     * nothing is called, since the first foreign call sets up the linker, ~80 ms of a cold JVM
     * that would otherwise come before the monitor starts its VM.
     */
    public static void setsid() {
        long me = ProcessHandle.current().pid();
        if (ProcStat.session(me) == me) return;
        try {
            int ignored = (int) Session.SETSID.invokeExact(); // fails harmlessly when already a session leader
        } catch (Throwable t) {
            throw new IllegalStateException("setsid: " + t, t);
        }
    }

    public static void prctl(int option, long arg) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            if ((int) Session.PRCTL.invokeExact(state, option, arg, 0L, 0L, 0L) != 0) throw error("prctl(" + option + ")", state);
        } catch (Throwable t) {
            throw failed("prctl(" + option + ")", t);
        }
    }

    /** Opens a pty pair: {master, slave}. */
    public static int[] openpty() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            MemorySegment m = a.allocate(INT), s = a.allocate(INT);
            int rc = (int) Tty.OPENPTY.invokeExact(state, m, s, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
            if (rc != 0) throw error("openpty", state);
            return new int[] {m.get(INT, 0), s.get(INT, 0)};
        } catch (Throwable t) {
            throw failed("openpty", t);
        }
    }

    /** {rows, cols} of a terminal. */
    public static int[] windowSize(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            MemorySegment ws = a.allocate(8);
            if ((int) Tty.IOCTL.invokeExact(state, fd, (long) TIOCGWINSZ, ws) != 0) throw error("ioctl(TIOCGWINSZ)", state);
            return new int[] {Short.toUnsignedInt(ws.get(JAVA_SHORT, 0)),
                Short.toUnsignedInt(ws.get(JAVA_SHORT, 2))};
        } catch (Throwable t) {
            throw failed("ioctl(TIOCGWINSZ)", t);
        }
    }

    public static void setWindowSize(int fd, int rows, int cols) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            MemorySegment ws = a.allocate(8);
            ws.set(JAVA_SHORT, 0, (short) rows);
            ws.set(JAVA_SHORT, 2, (short) cols);
            if ((int) Tty.IOCTL.invokeExact(state, fd, (long) TIOCSWINSZ, ws) != 0) throw error("ioctl(TIOCSWINSZ)", state);
        } catch (Throwable t) {
            throw failed("ioctl(TIOCSWINSZ)", t);
        }
    }

    public static boolean isatty(int fd) {
        try {
            return (int) Tty.ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Puts a terminal in raw mode; returns the previous settings for {@link #restore}. */
    public static byte[] makeRaw(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            MemorySegment t = a.allocate(TERMIOS_SIZE);
            if ((int) Tty.TCGETATTR.invokeExact(state, fd, t) != 0) throw error("tcgetattr", state);
            byte[] old = t.toArray(JAVA_BYTE);
            Tty.CFMAKERAW.invokeExact(t);
            if ((int) Tty.TCSETATTR.invokeExact(state, fd, TCSANOW, t) != 0) throw error("tcsetattr", state);
            return old;
        } catch (Throwable t) {
            throw failed("tcsetattr", t);
        }
    }

    public static void restore(int fd, byte[] termios) {
        if (termios == null) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            int ignored = (int) Tty.TCSETATTR.invokeExact(state, fd, TCSANOW, a.allocateFrom(JAVA_BYTE, termios));
        } catch (Throwable t) {
            // best effort: the terminal is the caller's
        }
    }

    /** Reads up to {@code buf.length} bytes; returns -1 at end of file. */
    public static int read(int fd, byte[] buf) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            MemorySegment buffer = a.allocate(buf.length);
            long n = (long) Io.READ.invokeExact(state, fd, buffer, (long) buf.length);
            if (n < 0) throw error("read", state);
            MemorySegment.copy(buffer, JAVA_BYTE, 0, buf, 0, (int) n);
            return n == 0 ? -1 : (int) n;
        } catch (Throwable t) {
            throw failed("read", t);
        }
    }

    public static void writeFully(int fd, byte[] buf, int len) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            MemorySegment data = a.allocate(Math.max(1, len));
            MemorySegment.copy(buf, 0, data, JAVA_BYTE, 0, len);
            long off = 0;
            while (off < len) {
                long n = (long) Io.WRITE.invokeExact(state, fd, data.asSlice(off), (long) len - off);
                if (n < 0) throw error("write", state);
                off += n;
            }
        } catch (Throwable t) {
            throw failed("write", t);
        }
    }

    public static void close(int fd) {
        if (fd < 0) return;
        try {
            int ignored = (int) Io.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // closing anyway
        }
    }

    /**
     * Sends {@code fd} over the unix socket at {@code path} with SCM_RIGHTS, the way runc hands a
     * pty master to {@code --console-socket}: the payload names the file ({@code /dev/ptmx}).
     */
    public static void sendFd(String path, int fd, String name) throws IOException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) throw new IOException("console socket path too long: " + path);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            int sock = (int) Sockets.SOCKET.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (sock < 0) throw error("socket", state);
            try {
                MemorySegment addr = a.allocate(110); // struct sockaddr_un, zeroed
                addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(p, 0, addr, JAVA_BYTE, 2, p.length);
                if ((int) Sockets.CONNECT.invokeExact(state, sock, addr, 2 + p.length + 1) != 0) {
                    throw error("connect(" + path + ")", state);
                }
                MemorySegment data = a.allocateFrom(name); // the name; its NUL is not sent
                int payload = name.getBytes(StandardCharsets.UTF_8).length;
                MemorySegment iov = a.allocate(16);     // struct iovec
                iov.set(PTR, 0, data);
                iov.set(LONG, 8, payload);
                MemorySegment cmsg = a.allocate(24);    // CMSG_SPACE(sizeof(int))
                cmsg.set(LONG, 0, 20);                  // cmsg_len = CMSG_LEN(sizeof(int))
                cmsg.set(INT, 8, SOL_SOCKET);
                cmsg.set(INT, 12, SCM_RIGHTS);
                cmsg.set(INT, 16, fd);
                MemorySegment msg = a.allocate(56);     // struct msghdr, zeroed: no name
                msg.set(PTR, 16, iov);
                msg.set(LONG, 24, 1);                   // msg_iovlen
                msg.set(PTR, 32, cmsg);
                msg.set(LONG, 40, 24);                  // msg_controllen
                if ((long) Sockets.SENDMSG.invokeExact(state, sock, msg, 0) < 0) throw error("sendmsg", state);
            } finally {
                close(sock);
            }
        } catch (Throwable t) {
            throw failed("sendmsg", t);
        }
    }
}
