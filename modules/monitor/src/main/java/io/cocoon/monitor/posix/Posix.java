package io.cocoon.monitor.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/** Thin, checked wrappers over {@link LibC}: every failure is an IOException naming the call and errno. */
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

    private static volatile LibC libc;
    private static volatile Runtime runtime;

    private Posix() {}

    public static LibC libc() {
        LibC l = libc;
        if (l == null) {
            synchronized (Posix.class) {
                if (libc == null) {
                    libc = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
                    runtime = Runtime.getRuntime(libc);
                }
                l = libc;
            }
        }
        return l;
    }

    static IOException error(String call) {
        int errno = runtime.getLastError();
        return new IOException(call + ": " + libc.strerror(errno) + " (errno " + errno + ")");
    }

    /** Starts a new session so that the caller's terminal and process group signals stop reaching us. */
    public static void setsid() {
        libc().setsid(); // fails harmlessly when already a session leader
    }

    /** Opens a pty pair: {master, slave}. */
    public static int[] openpty() throws IOException {
        IntByReference m = new IntByReference();
        IntByReference s = new IntByReference();
        if (libc().openpty(m, s, null, null, null) != 0) throw error("openpty");
        return new int[] {m.intValue(), s.intValue()};
    }

    /** {rows, cols} of a terminal. */
    public static int[] windowSize(int fd) throws IOException {
        byte[] ws = new byte[8];
        if (libc().ioctl(fd, TIOCGWINSZ, ws) != 0) throw error("ioctl(TIOCGWINSZ)");
        return new int[] {u16(ws, 0), u16(ws, 2)};
    }

    public static void setWindowSize(int fd, int rows, int cols) throws IOException {
        byte[] ws = new byte[8];
        ws[0] = (byte) rows;
        ws[1] = (byte) (rows >> 8);
        ws[2] = (byte) cols;
        ws[3] = (byte) (cols >> 8);
        if (libc().ioctl(fd, TIOCSWINSZ, ws) != 0) throw error("ioctl(TIOCSWINSZ)");
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8);
    }

    public static boolean isatty(int fd) {
        return libc().isatty(fd) == 1;
    }

    /** Puts a terminal in raw mode; returns the previous settings for {@link #restore}. */
    public static byte[] makeRaw(int fd) throws IOException {
        byte[] old = new byte[64];
        if (libc().tcgetattr(fd, old) != 0) throw error("tcgetattr");
        byte[] raw = old.clone();
        libc().cfmakeraw(raw);
        if (libc().tcsetattr(fd, TCSANOW, raw) != 0) throw error("tcsetattr");
        return old;
    }

    public static void restore(int fd, byte[] termios) {
        if (termios != null) libc().tcsetattr(fd, TCSANOW, termios);
    }

    /** Reads up to {@code buf.length} bytes; returns -1 at end of file. */
    public static int read(int fd, byte[] buf) throws IOException {
        long n = libc().read(fd, buf, buf.length);
        if (n < 0) throw error("read");
        return n == 0 ? -1 : (int) n;
    }

    public static void writeFully(int fd, byte[] buf, int len) throws IOException {
        int off = 0;
        while (off < len) {
            byte[] chunk = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, len);
            long n = libc().write(fd, chunk, len - off);
            if (n < 0) throw error("write");
            off += (int) n;
        }
    }

    public static void close(int fd) {
        if (fd >= 0) libc().close(fd);
    }

    /**
     * Sends {@code fd} over the unix socket at {@code path} with SCM_RIGHTS, the way runc hands a
     * pty master to {@code --console-socket}: the payload names the file ({@code /dev/ptmx}).
     */
    public static void sendFd(String path, int fd, String name) throws IOException {
        LibC c = libc();
        int sock = c.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sock < 0) throw error("socket");
        try {
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            if (p.length >= 108) throw new IOException("console socket path too long: " + path);
            byte[] addr = new byte[110];
            addr[0] = AF_UNIX;
            System.arraycopy(p, 0, addr, 2, p.length);
            if (c.connect(sock, addr, 2 + p.length + 1) != 0) throw error("connect(" + path + ")");
            Runtime rt = runtime;
            byte[] payload = name.getBytes(StandardCharsets.UTF_8);
            Pointer data = Memory.allocateDirect(rt, payload.length);
            data.put(0, payload, 0, payload.length);
            Pointer iov = Memory.allocateDirect(rt, 16);
            iov.putAddress(0, data.address());
            iov.putLong(8, payload.length);
            Pointer cmsg = Memory.allocateDirect(rt, 24);
            cmsg.putLong(0, 20);          // cmsg_len = CMSG_LEN(sizeof(int))
            cmsg.putInt(8, SOL_SOCKET);
            cmsg.putInt(12, SCM_RIGHTS);
            cmsg.putInt(16, fd);
            Pointer msg = Memory.allocateDirect(rt, 56);
            msg.putAddress(0, 0);         // msg_name
            msg.putInt(8, 0);             // msg_namelen
            msg.putAddress(16, iov.address());
            msg.putLong(24, 1);           // msg_iovlen
            msg.putAddress(32, cmsg.address());
            msg.putLong(40, 24);          // msg_controllen = CMSG_SPACE(sizeof(int))
            msg.putInt(48, 0);
            if (c.sendmsg(sock, msg, 0) < 0) throw error("sendmsg");
        } finally {
            c.close(sock);
        }
    }

    public static void prctl(int option, long arg) throws IOException {
        if (libc().prctl(option, arg, 0, 0, 0) != 0) throw error("prctl(" + option + ")");
    }
}
