package io.cocoon.monitor;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * VM templates (docs/templates.md): a guest booted once to the point where its agent waits,
 * saved, and restored for every container whose VM has the same shape, instead of a cold boot.
 *
 * <p>The template is a VM of its own, built from the container's plan with everything that is
 * the container's replaced (share paths by an empty directory, taps by none, MACs by fixed
 * ones), so that no container's identity is in it; the driver's {@link Hypervisor#templateKey}
 * names it. It is built on first use, under a lock, by the monitor that needs it, and used from
 * then on. Any failure to build or restore one is a warning and a cold boot, never a failed
 * container; a template that failed to restore is removed, one that failed to build is not
 * retried for {@link #RETRY_AFTER}.
 */
final class VmTemplates {
    /** Annotation and environment variable choosing the mode: {@code off}, {@code private}, {@code shared}. */
    static final String ANNOTATION = "io.cocoon.vm.template";
    static final String ENV = "COCOON_TEMPLATE";
    static final String DIR_ENV = "COCOON_TEMPLATE_DIR";
    static final Path DEFAULT_DIR = Path.of("/var/cache/cocoon/templates");
    static final String STATE = "state", RAM = "memory", META = "meta.json";
    static final Duration RETRY_AFTER = Duration.ofMinutes(10);
    /** Templates kept; the least recently used beyond it are removed. */
    static final int KEEP = 8;

    enum Mode { OFF, PRIVATE, SHARED }

    /**
     * How the VM came up: {@code template} is the key it was cloned from, or null after a cold
     * boot; {@code macMap} the "TEMPLATE-MAC CONTAINER-MAC" pairs HELLO must carry.
     */
    record Boot(Vm vm, String template, Mode mode, List<String> macMap) {
        boolean cloned() { return template != null; }
    }

    private VmTemplates() {}

    static Mode mode(Map<String, String> annotations) {
        String v = annotations.get(ANNOTATION);
        if (v == null) v = System.getenv(ENV);
        if (v == null || v.isBlank()) return Mode.PRIVATE;
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "off", "false", "0", "no" -> Mode.OFF;
            case "shared" -> Mode.SHARED;
            case "private", "on", "true", "1", "yes" -> Mode.PRIVATE;
            default -> throw new CocoonException(ANNOTATION + ": \"" + v + "\" is not off, private or shared");
        };
    }

    static Path dir() {
        String d = System.getenv(DIR_ENV);
        return d == null || d.isBlank() ? DEFAULT_DIR : Path.of(d);
    }

    /** Boots {@code plan}'s VM from its template when there is (or can be) one, else cold. */
    static Boot launch(Hypervisor hv, VmPlan plan) {
        Mode mode = mode(plan.annotations());
        if (mode == Mode.OFF) return cold(hv, plan);
        VmPlan clonePlan = plan;
        Path base = dir();
        String key;
        try {
            Files.createDirectories(base.resolve(".pending"));
            key = hv.templateKey(templatePlan(clonePlan, base.resolve(".pending")));
        } catch (IOException | RuntimeException e) {
            Logger.warn("VM template: cannot name one ({}); cold boot", e.getMessage());
            return cold(hv, plan);
        }
        if (key == null) {
            Logger.info("VM template: this plan has none (its devices cannot be cloned); cold boot");
            return cold(hv, plan);
        }
        key = key + "-" + mode.name().toLowerCase(java.util.Locale.ROOT);
        Path dir = base.resolve(key);
        try {
            ensure(hv, templatePlan(clonePlan, dir), base, key, mode);
        } catch (RuntimeException | IOException e) {
            Logger.warn("VM template {}: not built ({}); cold boot", key, e.getMessage());
            return cold(hv, plan);
        }
        try {
            // a private clone maps a copy of its own, into which the guest's freed memory may go back
            Vm vm;
            if (mode == Mode.PRIVATE) {
                // the copy runs while the hypervisor starts; it must be done before the state loads
                PrivateCopy copy = PrivateCopy.start(dir.resolve(RAM), dir.resolve(PrivateCopy.EXTENTS), clonePlan.stateDir());
                vm = hv.restore(clonePlan, dir.resolve(STATE), copy.file(), true, copy::await);
            } else {
                vm = hv.restore(clonePlan, dir.resolve(STATE), dir.resolve(RAM), false);
            }
            touch(dir.resolve(META));
            return new Boot(vm, key, mode, macMap(plan));
        } catch (RuntimeException e) {
            Logger.warn("VM template {}: restore failed ({}); removed, cold boot", key, e.getMessage());
            removeUnderLock(base, key);
            return cold(hv, plan);
        }
    }

    private static Boot cold(Hypervisor hv, VmPlan plan) {
        return new Boot(hv.launch(plan), null, Mode.OFF, List.of());
    }

    /** The template's MAC for the container's NIC number {@code n}: locally administered, fixed. */
    static String templateMac(int n) {
        return String.format("02:cc:00:00:00:%02x", n);
    }

    static List<String> macMap(VmPlan plan) {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (VmDevice d : plan.devices()) {
            if (d instanceof VmDevice.NetTap t && t.mac() != null) out.add(templateMac(n) + " " + t.mac());
            if (d instanceof VmDevice.NetTap) n++;
        }
        return out;
    }

    /** The template's plan: the container's shape with none of its paths, taps, MACs or names. */
    static VmPlan templatePlan(VmPlan p, Path dir) {
        Path empty = dir.resolve("empty");
        List<VmDevice> devs = new ArrayList<>();
        int n = 0;
        for (VmDevice d : p.devices()) {
            if (d instanceof VmDevice.Share s) devs.add(new VmDevice.Share(s.tag(), empty, s.readonly()));
            else if (d instanceof VmDevice.NetTap t) devs.add(new VmDevice.NetTap(null, t.mac() == null ? null : templateMac(n++), t.mtu()));
            else devs.add(d);
        }
        return new VmPlan("cocoon-vm-template", "00000000-0000-0000-0000-000000000000", dir, p.vcpus(), p.memoryMiB(),
                p.kernel(), p.initrd(), p.kernelParams(), p.hypervisorPath(), p.hypervisorParams(), p.template(), devs,
                dir.resolve("agent.sock"), dir.resolve("console.log"), dir.resolve("hypervisor.log"), p.accelerator(), empty,
                p.bootTimeout(), p.annotations(), null);
    }

    /** Builds the template unless a complete one is there; concurrent first uses build it once. */
    private static void ensure(Hypervisor hv, VmPlan tplan, Path base, String key, Mode mode) throws IOException {
        Path dir = tplan.stateDir();
        if (complete(dir, mode)) return;
        Path failed = base.resolve(key + ".failed");
        if (Files.exists(failed) && Files.getLastModifiedTime(failed).toInstant().isAfter(Instant.now().minus(RETRY_AFTER))) {
            throw new CocoonException("its last build failed (" + Files.readString(failed).strip() + "); retried after "
                    + RETRY_AFTER.toMinutes() + " min");
        }
        long wait = Math.max(10_000, 2 * tplan.bootTimeout().toMillis());
        try (FileChannel ch = FileChannel.open(base.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lock(ch, wait)) {
            if (complete(dir, mode)) return; // another first use built it while we waited
            StateStore.deleteTree(dir);
            Files.createDirectories(dir.resolve("empty"));
            long t0 = System.nanoTime();
            try {
                build(hv, tplan, mode);
            } catch (RuntimeException e) {
                Files.writeString(failed, e.getMessage() == null ? e.toString() : e.getMessage());
                StateStore.deleteTree(dir);
                throw e;
            }
            if (mode == Mode.PRIVATE) PrivateCopy.recordExtents(dir.resolve(RAM), dir.resolve(PrivateCopy.EXTENTS));
            Files.deleteIfExists(failed);
            long bytes = Files.size(dir.resolve(STATE));
            Files.writeString(dir.resolve(META), "{\"key\":\"" + key + "\",\"mode\":\"" + mode.name().toLowerCase(java.util.Locale.ROOT)
                    + "\",\"stateBytes\":" + bytes + ",\"built\":\"" + Instant.now() + "\"}\n");
            Logger.info("VM template {} built in {} ms ({} bytes of state)", key, (System.nanoTime() - t0) / 1_000_000, bytes);
            prune(base, key);
        }
    }

    /** Boots the template VM until its agent answers, then saves it; the VM is gone afterwards. */
    private static void build(Hypervisor hv, VmPlan tplan, Mode mode) throws IOException {
        Path dir = tplan.stateDir();
        // RAM in a file for both modes: a shared clone maps it, a private one a copy of its own
        Vm vm = hv.launchTemplate(tplan, dir.resolve(RAM), mode == Mode.PRIVATE);
        try {
            AgentClient agent = AgentClient.connect(tplan.agentSocket(), tplan.bootTimeout(), vm::isAlive);
            try {
                Tlv.Fields hello = agent.request(Proto.HELLO, new Tlv.Writer().u32(Proto.T_VERSION, Proto.VERSION)
                        .u64(Proto.T_TIME_NS, Monitor.nowNanos()), tplan.bootTimeout());
                if (hello.u32(Proto.T_VERSION).orElse(0L) != Proto.VERSION) throw new CocoonException("the template's agent speaks another protocol");
            } finally {
                agent.close(); // the agent waits for the next host: the clone's monitor
            }
            vm.save(dir.resolve(STATE));
        } finally {
            vm.kill();
            Files.deleteIfExists(tplan.agentSocket());
            Files.deleteIfExists(tplan.agentSocket().resolveSibling("qmp.sock"));
        }
    }

    /** A template is whole when its metadata (written last) matches its state file. */
    static boolean complete(Path dir, Mode mode) {
        try {
            Path meta = dir.resolve(META);
            if (!Files.isRegularFile(meta)) return false;
            String m = Files.readString(meta);
            java.util.regex.Matcher b = java.util.regex.Pattern.compile("\"stateBytes\":(\\d+)").matcher(m);
            if (!b.find() || Long.parseLong(b.group(1)) != Files.size(dir.resolve(STATE))) {
                Logger.warn("VM template {}: its state file is not the size it was saved with; rebuilt", dir.getFileName());
                return false;
            }
            // a private template from before private clones copied the memory file has none, and
            // one from before its data extents were listed at build has no list: both rebuilt
            return Files.isRegularFile(dir.resolve(RAM)) && (mode != Mode.PRIVATE || Files.isRegularFile(dir.resolve(PrivateCopy.EXTENTS)));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static FileLock lock(FileChannel ch, long waitMs) throws IOException {
        long deadline = System.currentTimeMillis() + waitMs;
        while (true) {
            try {
                FileLock l = ch.tryLock();
                if (l != null) return l;
            } catch (OverlappingFileLockException e) {
                // this process holds it on another thread: wait like any other
            }
            if (System.currentTimeMillis() > deadline) throw new CocoonException("another build held its lock for " + waitMs + " ms");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CocoonException("interrupted while waiting for the template's lock");
            }
        }
    }

    static void removeUnderLock(Path base, String key) {
        try (FileChannel ch = FileChannel.open(base.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lock(ch, 10_000)) {
            StateStore.deleteTree(base.resolve(key));
        } catch (IOException | RuntimeException e) {
            Logger.warn("VM template {}: cannot remove it: {}", key, e.getMessage());
        }
    }

    private static void touch(Path meta) {
        try {
            Files.setLastModifiedTime(meta, FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // only the pruning order suffers
        }
    }

    /** Keeps the {@link #KEEP} most recently used templates; never the one just built. */
    private static void prune(Path base, String keep) {
        try {
            List<Path> dirs = byRecentUse(base).stream().filter(p -> !p.getFileName().toString().equals(keep)).toList();
            for (int i = KEEP - 1; i < dirs.size(); i++) removeUnderLock(base, dirs.get(i).getFileName().toString());
        } catch (IOException e) {
            Logger.debug("template pruning: {}", e.getMessage());
        }
        // a failed build's note outlives its retry delay only as clutter (lock files stay: one
        // may be held, and removing it would let two builds run at once)
        try (Stream<Path> s = Files.list(base)) {
            Instant old = Instant.now().minus(RETRY_AFTER);
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".failed")).toList()) {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(old)) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            Logger.debug("template pruning: {}", e.getMessage());
        }
    }

    /** The templates in {@code base} (directories with their metadata), most recently used first. */
    static List<Path> byRecentUse(Path base) throws IOException {
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(META))).sorted(Comparator.comparing(VmTemplates::usedAt).reversed()).toList();
        }
    }

    static FileTime usedAt(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(META));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
