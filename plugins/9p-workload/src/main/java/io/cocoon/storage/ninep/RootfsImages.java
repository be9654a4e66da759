package io.cocoon.storage.ninep;

import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ext4 images of rootfs directories, built with e2fsprogs' {@code mkfs.ext4 -d} and cached by a
 * digest of the tree, so a second container from the same rootfs starts without rebuilding; and
 * qcow2 overlays over them ({@code qemu-img create -b}), one per container.
 *
 * <p>The digest covers each entry's path, type, mode, owner, size, modification time and link
 * target, not the bytes: reading a whole Debian rootfs would cost more than building the image,
 * and a file changed in place without a new mtime is not a case a container image produces.
 * Concurrent first uses build once (a lock file per digest); a build that fails leaves no image.
 */
final class RootfsImages {
    static final Path QEMU_IMG = Path.of("/usr/bin/qemu-img");
    static final Path MKFS = Path.of("/usr/sbin/mkfs.ext4");
    /** Where images are cached: {@code COCOON_IMAGE_CACHE}, else {@code /var/cache/cocoon/rootfs}. */
    static final String CACHE_ENV = "COCOON_IMAGE_CACHE";
    private static final long TIMEOUT_S = 600;

    private RootfsImages() {}

    static Path cacheDir() {
        String env = System.getenv(CACHE_ENV);
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("/var/cache/cocoon/rootfs");
    }

    /** The cached image of {@code rootfs}, built now if there is none. */
    static Path forTree(Path rootfs) {
        if (!Files.isExecutable(MKFS)) throw new CocoonException("mkfs.ext4 not found at " + MKFS + ": apt-get install e2fsprogs");
        Tree t = digest(rootfs);
        Path dir = cacheDir();
        Path image = dir.resolve(t.digest() + ".ext4");
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(image)) return image;
            try (FileChannel ch = FileChannel.open(dir.resolve(t.digest() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (Files.isRegularFile(image)) return image; // another create built it meanwhile
                Path tmp = dir.resolve(t.digest() + ".tmp-" + ProcessHandle.current().pid());
                try {
                    // room for the files, ext4's own metadata (inodes, journal) and the container's first writes
                    long size = Math.max(256L << 20, (t.bytes() + t.entries() * 4096L) * 3 / 2 + (64L << 20));
                    size = (size + (1 << 20) - 1) & ~((1L << 20) - 1);
                    try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        f.truncate(0);
                        f.position(size - 1).write(java.nio.ByteBuffer.wrap(new byte[1]));
                    }
                    run(List.of(MKFS.toString(), "-q", "-F", "-t", "ext4", "-L", "rootfs", "-E", "root_owner=0:0", "-d",
                            rootfs.toString(), tmp.toString()), "mkfs.ext4 -d " + rootfs);
                    Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return image;
        } catch (IOException e) {
            throw new CocoonException("cannot build the block rootfs of " + rootfs + " in " + dir + ": " + e.getMessage());
        }
    }

    /** The container's writable layer over {@code base}. */
    static void overlay(Path base, String format, Path overlay) {
        if (!Files.isExecutable(QEMU_IMG)) throw new CocoonException("qemu-img not found at " + QEMU_IMG + ": apt-get install qemu-utils");
        run(List.of(QEMU_IMG.toString(), "create", "-q", "-f", "qcow2", "-F", format, "-b", base.toAbsolutePath().toString(),
                overlay.toString()), "qemu-img create (overlay of " + base + ")");
    }

    record Tree(String digest, long bytes, long entries) {}

    static Tree digest(Path root) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long[] sums = new long[2];
            List<String> lines = new ArrayList<>();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    entry(d, a);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    entry(f, a);
                    return FileVisitResult.CONTINUE;
                }

                private void entry(Path p, BasicFileAttributes a) throws IOException {
                    Map<String, Object> u = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                    String link = a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : "";
                    lines.add(root.relativize(p) + "\0" + u.get("mode") + "\0" + u.get("uid") + "\0" + u.get("gid") + "\0"
                            + u.get("size") + "\0" + u.get("lastModifiedTime") + "\0" + link);
                    if (a.isRegularFile()) sums[0] += a.size();
                    sums[1]++;
                }
            });
            lines.sort(null);
            for (String l : lines) md.update((l + "\n").getBytes(StandardCharsets.UTF_8));
            return new Tree(HexFormat.of().formatHex(md.digest(), 0, 16), sums[0], sums[1]);
        } catch (IOException | UncheckedIOException e) {
            throw new CocoonException("cannot read the rootfs " + root + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> cmd, String what) {
        Path log = null;
        try {
            // output to a file, not a pipe: a pipe read would have no deadline
            log = Files.createTempFile("cocoon-tool", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CocoonException(what + ": no result within " + TIMEOUT_S + " s");
            }
            if (p.exitValue() != 0) {
                String out = Files.readString(log).strip();
                throw new CocoonException(what + " failed (exit " + p.exitValue() + "): " + out.lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (IOException e) {
            throw new CocoonException(what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException(what + ": interrupted");
        } finally {
            try {
                if (log != null) Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
