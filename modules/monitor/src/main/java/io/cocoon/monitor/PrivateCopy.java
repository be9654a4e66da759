package io.cocoon.monitor;

import io.cocoon.core.state.AtomicFiles;
import io.cocoon.monitor.posix.SparseFiles;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A private clone's memory: a sparse copy of the template's memory file (only the pages the
 * template touched are data), which the clone maps as its own, so no page is shared with
 * another container. Loading the template's RAM from the saved state instead faulted in
 * every page of the guest's memory on the machine of 2026-12-02's second session (2.1 GB
 * resident per 2 GiB clone, 2.6-5.8 s: docs/templates.md).
 *
 * <p>The file is made at its final size first (all hole) and filled on a thread of its own,
 * so the ~40 ms copy runs while QEMU starts (~110 ms to its QMP greeting) instead of before
 * it: QEMU maps the file at start but reads none of it before the state streams in, and the
 * hypervisor waits for {@link #await} before that (SPI 1.8 {@code restore(..., memoryReady)}).
 *
 * <p>Which parts are data is listed once, when the template is built ({@link #recordExtents},
 * {@code lseek} SEEK_DATA/SEEK_HOLE); a clone copies those extents with
 * {@code FileChannel.transferTo} (the kernel's copy_file_range). So a clone makes no foreign
 * call for it: the first one in a JVM sets up the linker, which cost ~80 ms of a cold monitor
 * (docs/performance.md), and its generated stubs stayed in every private monitor (+0.6 MiB).
 */
record PrivateCopy(Path file, CompletableFuture<Long> done) {
    /** The clone's copy, in its state directory. */
    static final String FILE = "template-memory";
    /** The template's list of its memory file's data extents: "offset length" lines. */
    static final String EXTENTS = "memory.extents";
    static final long DEADLINE_MS = 30_000;

    /** Lists {@code ram}'s data extents into {@code extents} (at template build). */
    static void recordExtents(Path ram, Path extents) throws IOException {
        StringBuilder b = new StringBuilder();
        for (SparseFiles.Extent e : SparseFiles.dataExtents(ram)) b.append(e.offset()).append(' ').append(e.length()).append('\n');
        AtomicFiles.write(extents, b.toString());
    }

    /**
     * Makes the clone's file at {@code ram}'s size and starts filling it from the template's
     * extents list; a list that does not fit the file is an error here, before anything runs.
     */
    static PrivateCopy start(Path ram, Path extents, Path stateDir) {
        Path copy = stateDir.resolve(FILE);
        List<SparseFiles.Extent> list;
        try {
            long size = Files.size(ram);
            list = readExtents(extents, size);
            Files.createDirectories(stateDir);
            try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
                f.setLength(size);
            }
        } catch (IOException e) {
            throw new CocoonException("copying the template's memory: " + e.getMessage());
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("template-memory-copy").start(() -> {
            try {
                done.complete(copy(ram, copy, list));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return new PrivateCopy(copy, done);
    }

    static List<SparseFiles.Extent> readExtents(Path extents, long size) throws IOException {
        List<SparseFiles.Extent> out = new ArrayList<>();
        long end = 0;
        int n = 0;
        for (String line : Files.readAllLines(extents)) {
            n++;
            String[] f = line.strip().split(" ");
            long off, len;
            try {
                off = Long.parseLong(f[0]);
                len = f.length == 2 ? Long.parseLong(f[1]) : -1;
            } catch (NumberFormatException e) {
                off = len = -1;
            }
            if (off < end || len <= 0 || off + len > size) {
                throw new IOException(extents.getFileName() + " line " + n + " is not an extent of the " + size + "-byte memory file: \"" + line + "\"");
            }
            out.add(new SparseFiles.Extent(off, len));
            end = off + len;
        }
        return out;
    }

    private static long copy(Path from, Path to, List<SparseFiles.Extent> extents) throws IOException {
        long copied = 0;
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE)) {
            for (SparseFiles.Extent e : extents) {
                out.position(e.offset());
                long pos = e.offset(), end = e.offset() + e.length();
                while (pos < end) {
                    long n = in.transferTo(pos, end - pos, out);
                    if (n <= 0) throw new IOException(from + " ended at " + pos);
                    pos += n;
                }
                copied += e.length();
            }
        }
        return copied;
    }

    /** Waits for the copy (with its deadline); throws, naming the cause, if it failed. */
    void await() {
        try {
            done.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CocoonException("copying the template's memory took over " + DEADLINE_MS + " ms");
        } catch (ExecutionException e) {
            throw new CocoonException("copying the template's memory: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException("copying the template's memory: interrupted");
        }
    }
}
