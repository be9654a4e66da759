package io.cocoon.monitor.posix;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * The few libc calls the JDK does not offer: ptys, termios, raw fd I/O, fd passing, sessions.
 * Bound lazily by {@link Posix}; never touched by the fast CLI commands.
 */
public interface LibC {
    int setsid();

    int getpid();

    int openpty(IntByReference master, IntByReference slave, Pointer name, Pointer termios, Pointer winsize);

    int ioctl(int fd, long request, byte[] arg);

    int tcgetattr(int fd, byte[] termios);

    int tcsetattr(int fd, int actions, byte[] termios);

    void cfmakeraw(byte[] termios);

    int isatty(int fd);

    long read(int fd, byte[] buf, long count);

    long write(int fd, byte[] buf, long count);

    int close(int fd);

    int dup(int fd);

    int socket(int domain, int type, int protocol);

    int connect(int fd, byte[] addr, int len);

    long sendmsg(int fd, Pointer msg, int flags);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int kill(int pid, int sig);

    String strerror(int errnum);

    String ptsname(int fd);
}
