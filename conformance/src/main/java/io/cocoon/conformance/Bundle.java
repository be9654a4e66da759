package io.cocoon.conformance;

import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** An OCI bundle with a busybox rootfs and a config.json the tests can edit. */
public final class Bundle {
    private final Path dir;

    private Bundle(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    /** A busybox rootfs (relative links, /etc/passwd with root and user 1000) and a config from {@code cocoon spec}. */
    public static Bundle busybox(Path dir, String... args) throws IOException {
        busyboxRootfs(dir.resolve("rootfs"));
        Cocoon.Result r = Cocoon.exec(specCommand(dir, args), dir, null, java.time.Duration.ofSeconds(60));
        if (r.rc() != 0) throw new IllegalStateException("cocoon spec failed: " + r);
        return new Bundle(dir);
    }

    /** A busybox rootfs from the host's busybox-static: every applet a relative link, /etc/passwd with root and user 1000. */
    public static Path busyboxRootfs(Path rootfs) throws IOException {
        Path bin = rootfs.resolve("bin");
        Files.createDirectories(bin);
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root", "home/user")) Files.createDirectories(rootfs.resolve(d));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        try {
            Process p = new ProcessBuilder("/bin/busybox", "--list").start();
            for (String app : new String(p.getInputStream().readAllBytes()).split("\n")) {
                if (!app.isBlank() && !app.equals("busybox")) Files.createSymbolicLink(bin.resolve(app.trim()), Path.of("busybox"));
            }
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nuser:x:1000:\n");
        return rootfs;
    }

    private static List<String> specCommand(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Cocoon.image().resolve("bin/cocoon").toString(), "spec", "--no-terminal"));
        for (String a : args) cmd.addAll(List.of("--args", a));
        return cmd;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> config() throws IOException {
        return Json.parseObject(Files.readString(dir.resolve("config.json")));
    }

    public Bundle edit(Consumer<Map<String, Object>> change) throws IOException {
        Map<String, Object> c = config();
        change.accept(c);
        Files.writeString(dir.resolve("config.json"), Json.pretty(c));
        return this;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> obj(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.computeIfAbsent(key, k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            v = new ArrayList<>();
            m.put(key, v);
        }
        return (List<Object>) v;
    }
}
