package io.cocoon.core.state;

import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Container state under {@code --root} (default {@code /run/cocoon}): one directory per
 * container holding {@code state.json}, written atomically, and a lock file that serialises
 * CLI commands on the same container. Sockets live in {@code <root>/.s/<hash>/} so their paths
 * stay under the 108-byte unix socket limit whatever the id length.
 */
public final class StateStore {
    public static final Path DEFAULT_ROOT = Path.of("/run/cocoon");
    private static final long LOCK_TIMEOUT_MS = 60_000;

    private final Path root;

    public StateStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path dir(String id) {
        return root.resolve(ContainerId.validate(id));
    }

    /** Short directory for this container's unix sockets. */
    public Path socketDir(String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return root.resolve(".s").resolve(HexFormat.of().formatHex(h, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean exists(String id) {
        return Files.isRegularFile(dir(id).resolve(ContainerFiles.STATE)) || Files.isDirectory(dir(id));
    }

    /**
     * Creates the directory of a new container, failing if the id is taken. Returns it locked;
     * the caller writes the first state and closes the lock.
     */
    public Lock create(String id) {
        ContainerId.validate(id);
        try {
            Files.createDirectories(root);
            try (Lock ignored = lockFile(root.resolve(".lock"), "the state root " + root)) {
                Path d = root.resolve(id);
                try {
                    Files.createDirectory(d);
                } catch (FileAlreadyExistsException e) {
                    if (!reclaimStale(d)) throw ContainerError.exists(id);
                    Files.createDirectory(d);
                }
                return lockFile(d.resolve(".lock"), "container " + id);
            }
        } catch (IOException e) {
            throw new CocoonException("cannot create state for " + id + " in " + root + ": " + e.getMessage());
        }
    }

    /**
     * A directory a killed {@code create} left before it wrote anything (no state, no record of
     * driver resources) and whose lock nobody holds: {@code state} already says such a container
     * does not exist, so {@code create} must be able to make it. Removed, and true; otherwise false.
     */
    private static boolean reclaimStale(Path d) throws IOException {
        if (Files.exists(d.resolve(ContainerFiles.STATE)) || Files.exists(d.resolve(ContainerFiles.RESOURCES))) return false;
        try (FileChannel ch = FileChannel.open(d.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return false; // a create is still at work on it
            l.release();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false; // held by this very process
        }
        deleteTree(d);
        return true;
    }

    /** Locks an existing container; fails with runc's wording when it does not exist. */
    public Lock lock(String id) {
        Path d = dir(id);
        if (!Files.isDirectory(d)) throw notFound(id);
        Lock l = lockFile(d.resolve(".lock"), "container " + id);
        if (!Files.isDirectory(d)) { // deleted while we waited
            l.close();
            throw notFound(id);
        }
        return l;
    }

    public static ContainerError notFound(String id) {
        return ContainerError.notFound(id);
    }

    public ContainerRecord read(String id) {
        Path f = dir(id).resolve(ContainerFiles.STATE);
        try {
            return ContainerRecord.fromJson(Files.readString(f));
        } catch (NoSuchFileException e) {
            throw notFound(id);
        } catch (IOException | RuntimeException e) {
            throw new CocoonException("state of " + id + " is unreadable (" + f + "): " + e.getMessage());
        }
    }

    public void write(ContainerRecord r) {
        try {
            AtomicFiles.write(dir(r.id()).resolve(ContainerFiles.STATE), r.toJson());
        } catch (IOException e) {
            throw new CocoonException("cannot write state of " + r.id() + ": " + e.getMessage());
        }
    }

    /** Ids of all containers, sorted; directories without a readable state are skipped by callers. */
    public List<String> list() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) return ids;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") || !Files.isDirectory(p)) continue;
                ids.add(n);
            }
        } catch (IOException e) {
            throw new CocoonException("cannot list " + root + ": " + e.getMessage());
        }
        ids.sort(null);
        return ids;
    }

    /**
     * Removes a container's directories. The state directory is first renamed away (atomic), so
     * a concurrent command sees "does not exist", never half a container.
     */
    public void remove(String id) {
        Path d = dir(id);
        try {
            List<Path> mounts = MountPoints.under(d);
            if (!mounts.isEmpty()) {
                throw new IOException(mounts.get(mounts.size() - 1) + " is still mounted (" + mounts.size()
                        + " mounts below " + d + "); not deleting through it");
            }
            if (Files.isDirectory(d)) {
                // short name: a 255-character id plus a prefix would exceed NAME_MAX
                Path trash = root.resolve(".trash-" + socketDir(id).getFileName() + "-" + System.nanoTime());
                Files.move(d, trash);
                deleteTree(trash);
            }
            deleteTree(socketDir(id));
        } catch (IOException e) {
            throw new CocoonException("cannot remove state of " + id + ": " + e.getMessage());
        }
    }

    /**
     * Deletes a tree without following symlinks and without ever descending into a mount point
     * ({@link MountPoints}): a state directory's share may have the user's rootfs and volumes
     * bind-mounted in it. Such a tree is refused, naming the mount.
     */
    public static void deleteTree(Path p) throws IOException {
        List<Path> mounts = MountPoints.under(p);
        if (!mounts.isEmpty()) {
            throw new IOException(mounts.get(mounts.size() - 1) + " is a mount point (" + mounts.size()
                    + " below " + p + "); not deleting through it");
        }
        deleteTreeBelow(p);
    }

    private static void deleteTreeBelow(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) deleteTreeBelow(c);
            }
        }
        Files.deleteIfExists(p);
    }

    private static Lock lockFile(Path file, String what) {
        long deadline = System.currentTimeMillis() + LOCK_TIMEOUT_MS;
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                long sleep = 1;
                while (true) {
                    FileLock l = ch.tryLock();
                    if (l != null) return new Lock(ch, l);
                    if (System.currentTimeMillis() > deadline) {
                        throw new CocoonException(what + " is busy: another cocoon command held its lock for "
                                + LOCK_TIMEOUT_MS / 1000 + " s");
                    }
                    Thread.sleep(sleep);
                    sleep = Math.min(50, sleep * 2);
                }
            } catch (RuntimeException | InterruptedException e) {
                ch.close();
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw e instanceof RuntimeException re ? re : new CocoonException("interrupted waiting for " + what);
            }
        } catch (NoSuchFileException e) {
            throw new CocoonException(what + " does not exist");
        } catch (IOException e) {
            throw new CocoonException("cannot lock " + what + ": " + e.getMessage());
        }
    }

    /** An exclusive lock on a container (or the root); closing releases it. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                if (lock.isValid()) lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock anyway
            }
        }
    }
}
