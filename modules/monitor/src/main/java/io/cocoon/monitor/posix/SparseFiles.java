package io.cocoon.monitor.posix;

import static io.cocoon.monitor.posix.Native.INT;
import static io.cocoon.monitor.posix.Native.LONG;
import static io.cocoon.monitor.posix.Native.PTR;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Copies the data of a sparse file into another of the same size, in place: what a private
 * template clone's memory needs (VmTemplates). The target already exists at its final size
 * (a hole), so a hypervisor may map it while the copy runs, which {@code cp} cannot give: it
 * truncates its target first. Only the source's data extents are read ({@code lseek}
 * SEEK_DATA/SEEK_HOLE), and copied by the kernel ({@code copy_file_range}): a 2 GiB template
 * file holds ~75 MB of data.
 */
public final class SparseFiles {
    private static final int O_RDONLY = 0, O_WRONLY = 1, O_CLOEXEC = 02000000;
    private static final int SEEK_DATA = 3, SEEK_HOLE = 4, ENXIO = 6;
    private static final long CHUNK = 16L << 20;

    private SparseFiles() {}

    private static final class Fn {
        static final MethodHandle LSEEK = Native.function("lseek", FunctionDescriptor.of(LONG, INT, LONG, INT), true);
        static final MethodHandle COPY = Native.function("copy_file_range",
                FunctionDescriptor.of(LONG, INT, PTR, INT, PTR, LONG, INT), true);
    }

    /**
     * Copies every data extent of {@code source} to the same offset of {@code target}, which
     * must exist; holes are left as they are. Returns the bytes copied.
     */
    public static long copyData(Path source, Path target) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            int in = open(a, state, source, O_RDONLY);
            try {
                int out = open(a, state, target, O_WRONLY);
                try {
                    return copyExtents(a, state, in, out, source);
                } finally {
                    Posix.close(out);
                }
            } finally {
                Posix.close(in);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("copying " + source + ": " + t, t);
        }
    }

    private static long copyExtents(Arena a, MemorySegment state, int in, int out, Path source) throws Throwable {
        MemorySegment inOff = a.allocate(ValueLayout.JAVA_LONG);
        MemorySegment outOff = a.allocate(ValueLayout.JAVA_LONG);
        long copied = 0;
        long pos = 0;
        while (true) {
            long data = (long) Fn.LSEEK.invokeExact(state, in, pos, SEEK_DATA);
            if (data < 0) {
                if (Native.errno(state) == ENXIO) return copied; // no data after pos
                throw new IOException("lseek SEEK_DATA " + source + ": " + Native.reason(state));
            }
            long hole = (long) Fn.LSEEK.invokeExact(state, in, data, SEEK_HOLE);
            if (hole < 0) throw new IOException("lseek SEEK_HOLE " + source + ": " + Native.reason(state));
            inOff.set(ValueLayout.JAVA_LONG, 0, data);
            outOff.set(ValueLayout.JAVA_LONG, 0, data);
            for (long left = hole - data; left > 0; ) {
                long n = (long) Fn.COPY.invokeExact(state, in, inOff, out, outOff, Math.min(left, CHUNK), 0);
                if (n < 0) throw new IOException("copy_file_range " + source + ": " + Native.reason(state));
                if (n == 0) return copied; // the source shrank under us
                left -= n;
                copied += n;
            }
            pos = hole;
        }
    }

    private static int open(Arena a, MemorySegment state, Path p, int flags) throws Throwable {
        int fd = (int) Native.OpenFn.H.invokeExact(state, a.allocateFrom(p.toString()), flags | O_CLOEXEC);
        if (fd < 0) throw new IOException("open " + p + ": " + Native.reason(state));
        return fd;
    }
}
