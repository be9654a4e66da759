package io.cocoon.guest;

import io.cocoon.spi.CocoonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The fallback guest kernel: the host's Debian kernel ({@code /boot/vmlinuz-*}), unpacked to
 * an ELF so QEMU can boot it through PVH, with the modules it lacks built in (virtio-mmio,
 * virtio-console, 9p) copied into the initramfs in dependency order for the agent to load.
 * Slower than Cocoon's own kernel (measured in docs/performance.md) and it needs microvm with
 * ACPI (a generic kernel does not read virtio-mmio devices from its command line), but it works
 * without a kernel build.
 */
public final class HostKernel {
    /** What the agent loads, roots of the dependency closure; built-in ones are simply absent. */
    static final List<String> MODULES = List.of("virtio", "virtio_ring", "virtio_mmio", "virtio_console", "netfs",
            "fscache", "9pnet", "9pnet_virtio", "9p", "overlay", "virtio_net", "virtio_blk", "ext4");
    private static final byte[] XZ = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final byte[] GZIP = {0x1F, (byte) 0x8B, 0x08};

    /** A host kernel ready to boot. */
    public record Found(String version, Path vmlinux, Path initramfs) {}

    private HostKernel() {}

    /**
     * The root holding {@code boot/} and {@code lib/modules/}: {@code /}, or
     * {@code COCOON_HOST_KERNEL_ROOT} / {@code -Dcocoon.hostKernelRoot} (an unpacked kernel package).
     */
    static Path root() {
        String p = System.getProperty("cocoon.hostKernelRoot");
        if (p == null || p.isEmpty()) p = System.getenv("COCOON_HOST_KERNEL_ROOT");
        return Path.of(p == null || p.isEmpty() ? "/" : p);
    }

    /** Finds the newest host kernel and prepares it (cached), or explains why there is none. */
    public static Found find(Path agent, Path cacheDir) {
        Path root = root();
        Path boot = root.resolve("boot");
        String version = null;
        if (Files.isDirectory(boot)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(boot, "vmlinuz-*")) {
                for (Path p : ds) {
                    String v = p.getFileName().toString().substring("vmlinuz-".length());
                    if (Files.isDirectory(root.resolve("lib/modules").resolve(v)) && (version == null || v.compareTo(version) > 0)) {
                        version = v;
                    }
                }
            } catch (IOException e) {
                throw new CocoonException("cannot list " + boot + ": " + e.getMessage());
            }
        }
        if (version == null) {
            throw new CocoonException("no guest kernel: Cocoon's own was not built (modules/guest/kernel/build-kernel.sh) and "
                    + boot + " has no Debian kernel with its modules (apt-get install linux-image-amd64)");
        }
        try {
            Path dir = cacheDir.resolve("host-" + version);
            Path vmlinux = dir.resolve("vmlinux");
            if (!Files.isRegularFile(vmlinux)) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, ".vmlinux", ".tmp");
                try {
                    Files.write(tmp, extract(Files.readAllBytes(boot.resolve("vmlinuz-" + version))));
                    Files.move(tmp, vmlinux, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            Map<String, byte[]> files = modules(root.resolve("lib/modules").resolve(version));
            return new Found(version, vmlinux, Initramfs.cached(agent, files, dir));
        } catch (IOException e) {
            throw new CocoonException("cannot prepare the host kernel " + version + ": " + e.getMessage());
        }
    }

    /** The ELF inside a bzImage: the xz or gzip stream that follows the setup code, unpacked. */
    static byte[] extract(byte[] bzImage) throws IOException {
        int at = indexOf(bzImage, XZ);
        List<String> cmd = List.of("xz", "-dc", "--single-stream");
        if (at < 0) {
            at = indexOf(bzImage, GZIP);
            cmd = List.of("gzip", "-dc");
        }
        if (at < 0) throw new IOException("no xz or gzip payload in the kernel image (other compressions are not supported)");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final int start = at;
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(bzImage, start, bzImage.length - start);
            } catch (IOException ignored) {
                // the decompressor stops at the end of its stream
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 20);
        try (InputStream o = p.getInputStream()) {
            o.transferTo(out);
            if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
            feeder.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        byte[] elf = out.toByteArray();
        if (elf.length < 4 || elf[0] != 0x7F || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new IOException("the unpacked kernel is not an ELF (" + cmd.get(0) + " missing or failed?)");
        }
        return elf;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** The needed modules and their dependencies, dependencies first, plus cocoon.load. */
    static Map<String, byte[]> modules(Path moduleDir) throws IOException {
        Map<String, Path> byName = new HashMap<>();
        try (var walk = Files.walk(moduleDir.resolve("kernel"))) {
            walk.filter(p -> p.toString().endsWith(".ko"))
                    .forEach(p -> byName.put(p.getFileName().toString().replace(".ko", "").replace('-', '_'), p));
        }
        Set<String> order = new LinkedHashSet<>();
        for (String m : MODULES) visit(m, byName, order, new LinkedHashSet<>());
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> load = new ArrayList<>();
        for (String m : order) {
            Path ko = byName.get(m);
            files.put("lib/modules/" + m + ".ko", Files.readAllBytes(ko));
            load.add(m + ".ko");
        }
        files.put("lib/modules/cocoon.load", (String.join("\n", load) + "\n").getBytes());
        return files;
    }

    private static void visit(String name, Map<String, Path> byName, Set<String> order, Set<String> path) throws IOException {
        String n = name.replace('-', '_');
        Path ko = byName.get(n);
        if (ko == null || order.contains(n) || !path.add(n)) return; // built in, done, or a cycle
        for (String d : ModInfo.depends(ko)) visit(d, byName, order, path);
        order.add(n);
    }
}
