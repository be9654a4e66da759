package io.cocoon.conformance;

import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds a one-layer OCI image archive from a rootfs directory, without a registry, so the engine
 * tests can {@code podman load} and {@code ctr images import} the same busybox image.
 */
public final class OciImage {
    private OciImage() {}

    public static Path archive(Path rootfs, Path work, String name) throws IOException, InterruptedException {
        return archive(rootfs, work, name, List.of(), List.of("sh"));
    }

    /** As {@link #archive(Path, Path, String)}, with the image config's Entrypoint (none if empty) and Cmd. */
    public static Path archive(Path rootfs, Path work, String name, List<String> entrypoint, List<String> cmd)
            throws IOException, InterruptedException {
        Path layout = work.resolve("layout");
        Path blobs = layout.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        Path layer = work.resolve("layer.tar");
        tar(rootfs, layer);
        String layerDigest = sha256(Files.readAllBytes(layer));
        Files.copy(layer, blobs.resolve(layerDigest));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        Map<String, Object> imageConfig = new LinkedHashMap<>();
        imageConfig.put("Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        if (!entrypoint.isEmpty()) imageConfig.put("Entrypoint", entrypoint);
        imageConfig.put("Cmd", cmd);
        config.put("config", imageConfig);
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of("sha256:" + layerDigest)));
        byte[] cfg = Json.write(config).getBytes();
        String cfgDigest = sha256(cfg);
        Files.write(blobs.resolve(cfgDigest), cfg);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2L);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.put("config", descriptor("application/vnd.oci.image.config.v1+json", cfgDigest, cfg.length));
        manifest.put("layers", List.of(descriptor("application/vnd.oci.image.layer.v1.tar", layerDigest, Files.size(layer))));
        byte[] man = Json.write(manifest).getBytes();
        String manDigest = sha256(man);
        Files.write(blobs.resolve(manDigest), man);
        Map<String, Object> md = descriptor("application/vnd.oci.image.manifest.v1+json", manDigest, man.length);
        md.put("annotations", Map.of("org.opencontainers.image.ref.name", name));
        Files.writeString(layout.resolve("index.json"), Json.write(Map.of("schemaVersion", 2L, "manifests", List.of(md))));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Path archive = work.resolve("image.tar");
        tar(layout, archive);
        return archive;
    }

    private static Map<String, Object> descriptor(String type, String digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", type);
        d.put("digest", "sha256:" + digest);
        d.put("size", size);
        return d;
    }

    private static void tar(Path dir, Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tar", "--numeric-owner", "-C", dir.toString(), "-cf", out.toString(), ".")
                .inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("tar failed for " + dir);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
