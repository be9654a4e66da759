package io.cocoon.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The guest initramfs: the agent as {@code /init}, the two device nodes the kernel and the agent
 * need before devtmpfs is mounted, the mount points, and optional kernel modules for the
 * host-kernel fallback. Nothing else. Deterministic: the same inputs give the same bytes, so it
 * is cached by content hash.
 */
public final class Initramfs {
    private Initramfs() {}

    /** Builds the archive (gzip) in memory. {@code modules} maps archive paths to files. */
    public static byte[] build(byte[] agent, Map<String, byte[]> modules) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // A fixed-header gzip stream: Java writes mtime 0 and no file name, so output is stable.
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 65536) { { def.setLevel(Deflater.BEST_COMPRESSION); } };
             Cpio cpio = new Cpio(gz)) {
            for (String d : List.of("dev", "proc", "sys", "run", "tmp", "mnt", "lib", "lib/modules")) cpio.directory(d, 0755);
            cpio.charDevice("dev/console", 0600, 5, 1);
            cpio.charDevice("dev/null", 0666, 1, 3);
            cpio.file("init", 0755, agent);
            Map<String, byte[]> sorted = new java.util.TreeMap<>(modules);
            java.util.Set<String> dirs = new java.util.TreeSet<>();
            for (String p : sorted.keySet()) {
                for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) dirs.add(p.substring(0, i));
            }
            for (String d : dirs) if (!d.equals("lib") && !d.equals("lib/modules")) cpio.directory(d, 0755);
            for (Map.Entry<String, byte[]> e : sorted.entrySet()) cpio.file(e.getKey(), 0644, e.getValue());
        }
        return bytes.toByteArray();
    }

    /**
     * Returns a cached initramfs for this agent (and modules) under {@code cacheDir}, building
     * it once; the file name is the content hash of the inputs.
     */
    public static Path cached(Path agent, Map<String, byte[]> modules, Path cacheDir) throws IOException {
        byte[] a = Files.readAllBytes(agent);
        MessageDigest md = sha256();
        md.update(a);
        for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(modules).entrySet()) {
            md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(e.getValue());
        }
        String hash = HexFormat.of().formatHex(md.digest(), 0, 8);
        Path out = cacheDir.resolve("initramfs-" + hash + ".cpio.gz");
        if (Files.isRegularFile(out)) return out;
        Files.createDirectories(cacheDir);
        Path tmp = Files.createTempFile(cacheDir, ".initramfs", ".tmp");
        try {
            Files.write(tmp, build(a, modules));
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Build step: {@code Initramfs <agent> <output.cpio.gz>}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Initramfs <cocoon-agent> <initramfs.cpio.gz>");
            System.exit(2);
        }
        byte[] img = build(Files.readAllBytes(Path.of(args[0])), new LinkedHashMap<>());
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, img);
        System.out.println("initramfs " + out + ": " + img.length + " bytes");
    }
}
