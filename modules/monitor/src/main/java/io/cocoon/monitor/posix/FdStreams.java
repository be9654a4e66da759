package io.cocoon.monitor.posix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Java streams over raw file descriptors (pty ends the JDK cannot open itself). */
public final class FdStreams {
    private FdStreams() {}

    public static InputStream input(int fd) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                byte[] buf = off == 0 && len == b.length ? b : new byte[len];
                try {
                    int n = Posix.read(fd, buf);
                    if (n > 0 && buf != b) System.arraycopy(buf, 0, b, off, n);
                    return n;
                } catch (IOException e) {
                    // EIO on a pty slave means the master side closed: that is end of input
                    if (e.getMessage() != null && e.getMessage().contains("errno 5")) return -1;
                    throw e;
                }
            }
        };
    }

    public static OutputStream output(int fd) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] buf = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                Posix.writeFully(fd, buf, len);
            }
        };
    }
}
