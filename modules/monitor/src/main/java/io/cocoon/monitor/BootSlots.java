package io.cocoon.monitor;

import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.tinylog.Logger;

/**
 * Admission for VM boots, host-wide: at most {@link #slots()} guests boot at once; the others
 * wait for a slot before their hypervisor starts. Without it, 30 {@code cocoon run} at once
 * on 2 cores under TCG shared the CPU thirty ways and most missed the boot deadline, which
 * measures the guest, not the queue: a boot's deadline now starts when it has a slot.
 *
 * <p>A slot is a file lock ({@code /run/cocoon-boot/slot-N}), so a monitor killed mid-boot
 * frees its slot with its death. The slot is held until the agent answers (or the boot fails).
 */
final class BootSlots implements AutoCloseable {
    /** How long a boot waits for a slot before it gives up, in one line. */
    static final long WAIT_MS = io.cocoon.core.container.Creation.BOOT_QUEUE_MS;
    private static final Path DIR = Path.of("/run/cocoon-boot");
    private final FileChannel channel;
    private final FileLock lock;

    private BootSlots(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Concurrent boots: {@code COCOON_BOOT_SLOTS}, else twice the CPUs (at least 2). */
    static int slots() {
        String env = System.getenv("COCOON_BOOT_SLOTS");
        if (env != null) {
            try {
                return Math.max(1, Integer.parseInt(env.trim()));
            } catch (NumberFormatException e) {
                Logger.warn("COCOON_BOOT_SLOTS={} is not a number; using the default", env);
            }
        }
        return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** Waits (up to {@link #WAIT_MS}) for a free slot; null where slots cannot be kept (no /run). */
    static BootSlots acquire(Path fallbackDir) {
        return acquire(DIR, fallbackDir, slots(), WAIT_MS);
    }

    static BootSlots acquire(Path preferred, Path fallbackDir, int n, long waitMs) {
        Path dir = preferred;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            dir = fallbackDir;
            try {
                Files.createDirectories(dir);
            } catch (IOException e2) {
                Logger.warn("no boot slots ({}): booting without admission", e2.getMessage());
                return null;
            }
        }
        long t0 = System.currentTimeMillis();
        long sleep = 5;
        while (true) {
            for (int i = 0; i < n; i++) {
                BootSlots s = tryOne(dir.resolve("slot-" + i));
                if (s != null) {
                    long waited = System.currentTimeMillis() - t0;
                    if (waited > 100) Logger.info("boot slot {} of {} after {} ms in the queue", i, n, waited);
                    return s;
                }
            }
            if (System.currentTimeMillis() - t0 > waitMs) {
                throw new CocoonException("no boot slot within " + (waitMs >= 1000 ? waitMs / 1000 + " s" : waitMs + " ms") + ": " + n + " VMs are booting on this host"
                        + " (COCOON_BOOT_SLOTS sets how many may)");
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CocoonException("interrupted waiting for a boot slot");
            }
            sleep = Math.min(50, sleep * 2);
        }
    }

    private static BootSlots tryOne(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l != null) return new BootSlots(ch, l);
        } catch (IOException | OverlappingFileLockException e) {
            // taken (by this JVM: a training run boots more than one) or unusable: try the next
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel or the process
        }
    }
}
