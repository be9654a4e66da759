package io.cocoon.monitor.posix;

import static io.cocoon.monitor.posix.Native.INT;
import static io.cocoon.monitor.posix.Native.LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The data extents of a sparse file ({@code lseek} SEEK_DATA/SEEK_HOLE): what a private
 * template's clones copy of its memory file (a 2 GiB file holds ~75 MB of data). They are
 * listed once, when the template is built, so a clone copies them with the JDK's own
 * {@code FileChannel.transferTo} (copy_file_range) and makes no foreign call: the first one
 * in a JVM sets up the linker, tens of milliseconds on a clone's start.
 */
public final class SparseFiles {
    private static final int O_RDONLY = 0, O_CLOEXEC = 02000000;
    private static final int SEEK_DATA = 3, SEEK_HOLE = 4, ENXIO = 6;

    /** One data extent: {@code length} bytes of data at {@code offset}. */
    public record Extent(long offset, long length) {}

    private SparseFiles() {}

    private static final class Fn {
        static final MethodHandle LSEEK = Native.function("lseek", FunctionDescriptor.of(LONG, INT, LONG, INT), true);
    }

    /** The data extents of {@code file}, in order; a file that is all hole has none. */
    public static List<Extent> dataExtents(Path file) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            int fd = (int) Native.OpenFn.H.invokeExact(state, a.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw new IOException("open " + file + ": " + Native.reason(state));
            try {
                List<Extent> out = new ArrayList<>();
                for (long pos = 0; ; ) {
                    long data = (long) Fn.LSEEK.invokeExact(state, fd, pos, SEEK_DATA);
                    if (data < 0) {
                        if (Native.errno(state) == ENXIO) return out; // no data after pos
                        throw new IOException("lseek SEEK_DATA " + file + ": " + Native.reason(state));
                    }
                    long hole = (long) Fn.LSEEK.invokeExact(state, fd, data, SEEK_HOLE);
                    if (hole < 0) throw new IOException("lseek SEEK_HOLE " + file + ": " + Native.reason(state));
                    out.add(new Extent(data, hole - data));
                    pos = hole;
                }
            } finally {
                Posix.close(fd);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("listing the data of " + file + ": " + t, t);
        }
    }
}
