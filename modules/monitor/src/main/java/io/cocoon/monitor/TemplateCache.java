package io.cocoon.monitor;

import io.cocoon.spi.json.Json;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The VM template cache as {@code cocoon template} and {@code doctor} see it (docs/templates.md):
 * what is built, and removal under each template's lock, so a removal never races a build or a
 * clone's first read. Building stays with first use: a template is made from a container's plan,
 * which only a container has.
 */
public final class TemplateCache {
    /** One built template: its key (with the mode), mode, state size, when built and last used. */
    public record Entry(String key, String mode, long stateBytes, String built, java.time.Instant lastUsed, long diskBytes) {}

    private TemplateCache() {}

    public static Path dir() {
        return VmTemplates.dir();
    }

    /** The default mode on this host (annotation absent): {@code off}, {@code private} or {@code shared}. */
    public static String defaultMode() {
        return VmTemplates.mode(Map.of()).name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The complete templates, most recently used first. */
    public static List<Entry> list() {
        Path base = dir();
        if (!Files.isDirectory(base)) return List.of();
        List<Entry> out = new ArrayList<>();
        List<Path> dirs;
        try {
            dirs = VmTemplates.byRecentUse(base);
        } catch (IOException e) {
            throw new CocoonException("cannot list " + base + ": " + e.getMessage());
        }
        for (Path d : dirs) {
            try {
                Map<String, Object> m = Json.parseObject(Files.readString(d.resolve(VmTemplates.META)));
                out.add(new Entry(d.getFileName().toString(), String.valueOf(m.get("mode")),
                        m.get("stateBytes") instanceof Number n ? n.longValue() : -1, String.valueOf(m.get("built")),
                        VmTemplates.usedAt(d).toInstant(), size(d)));
            } catch (IOException | RuntimeException e) {
                // half-written or foreign: not a template to list
            }
        }
        return out;
    }

    /** Removes the template {@code key} (as listed); false when there is none. */
    public static boolean remove(String key) {
        if (!key.matches("[A-Za-z0-9._-]+") || key.startsWith(".")) throw new CocoonException("\"" + key + "\" is not a template key");
        if (!Files.isDirectory(dir().resolve(key))) return false;
        VmTemplates.removeUnderLock(dir(), key);
        if (Files.exists(dir().resolve(key))) throw new CocoonException("template " + key + " could not be removed (see the warning above)");
        return true;
    }

    private static long size(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
