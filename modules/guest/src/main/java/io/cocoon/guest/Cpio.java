package io.cocoon.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" format the kernel unpacks as initramfs. Entries carry
 * mtime 0 and sequential inode numbers, so equal inputs give equal bytes.
 */
public final class Cpio implements AutoCloseable {
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFLNK = 0120000;

    private final OutputStream out;
    private long written;
    private int ino = 1;

    public Cpio(OutputStream out) {
        this.out = out;
    }

    public void directory(String name, int perm) throws IOException {
        entry(name, S_IFDIR | perm, 2, 0, 0, new byte[0]);
    }

    public void file(String name, int perm, byte[] data) throws IOException {
        entry(name, S_IFREG | perm, 1, 0, 0, data);
    }

    public void charDevice(String name, int perm, int major, int minor) throws IOException {
        entry(name, S_IFCHR | perm, 1, major, minor, new byte[0]);
    }

    public void symlink(String name, String target) throws IOException {
        entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    private void entry(String name, int mode, int nlink, int rdevMajor, int rdevMinor, byte[] data) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        for (long v : new long[] {ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, rdevMajor, rdevMinor, n.length + 1, 0}) {
            h.append(String.format("%08x", v));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(n);
        write(new byte[] {0});
        pad();
        write(data);
        pad();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) write(new byte[] {0});
    }

    /** Writes the trailer; the caller closes the stream. */
    @Override
    public void close() throws IOException {
        ino = 0;
        entry("TRAILER!!!", 0, 1, 0, 0, new byte[0]);
        out.flush();
    }
}
