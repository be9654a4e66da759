package io.cocoon.core.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What kind of namespace a {@code linux.namespaces[].path} names: {@code /proc/<pid>/ns/<x>} is
 * a symlink reading {@code net:[4026532008]}; a bind-mounted namespace ({@code /run/netns/x},
 * what {@code ip netns} and the engines make) is an nsfs mount whose root, in
 * {@code /proc/self/mountinfo}, reads the same.
 */
final class NamespaceFiles {
    /** Kernel names (the part before ':') by runtime-spec type. */
    static final Map<String, String> KERNEL_NAME = Map.of("network", "net", "mount", "mnt", "pid", "pid", "ipc", "ipc", "uts", "uts",
            "user", "user", "cgroup", "cgroup", "time", "time");

    private NamespaceFiles() {}

    /** The kernel's name of the namespace at {@code path} ({@code net}, {@code ipc}, ...), or null if it is none. */
    static String kind(Path path) {
        try {
            if (Files.isSymbolicLink(path)) return before(Files.readSymbolicLink(path).toString());
            Path real = path.toRealPath();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && Path.of(f[4]).equals(real) && f[3].matches("[a-z_]+:\\[\\d+\\]")) return before(f[3]);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static String before(String s) {
        int c = s.indexOf(':');
        return c > 0 && s.endsWith("]") ? s.substring(0, c) : null;
    }
}
