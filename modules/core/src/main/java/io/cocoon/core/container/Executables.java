package io.cocoon.core.container;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks on the host, against the bundle's rootfs, what runc checks inside the container before
 * it reports create done: that the program exists and is executable. The error text is runc's,
 * because engines classify it (podman maps "executable file not found" to exit code 127).
 * Symlinks are resolved inside the rootfs, never out of it.
 */
final class Executables {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Executables() {}

    static void check(Path rootfs, Spec.Process p) {
        String arg0 = p.args().get(0);
        if (arg0.contains("/")) {
            String abs = arg0.startsWith("/") ? arg0 : p.cwd() + "/" + arg0;
            Path f = resolve(rootfs, abs);
            if (f == null || !Files.exists(f)) {
                throw new CocoonException("exec: \"" + arg0 + "\": stat " + arg0 + ": no such file or directory");
            }
            if (Files.isDirectory(f) || !Files.isExecutable(f)) {
                throw new CocoonException("exec: \"" + arg0 + "\": permission denied");
            }
            return;
        }
        String path = DEFAULT_PATH;
        for (String e : p.env()) if (e.startsWith("PATH=")) path = e.substring(5);
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            String abs = dir.startsWith("/") ? dir : p.cwd() + "/" + dir;
            Path f = resolve(rootfs, abs + "/" + arg0);
            if (f != null && Files.isRegularFile(f) && Files.isExecutable(f)) return;
        }
        throw new CocoonException("exec: \"" + arg0 + "\": executable file not found in $PATH");
    }

    /** Resolves {@code path} as seen from inside {@code rootfs}, following symlinks within it. */
    static Path resolve(Path rootfs, String path) {
        Path cur = rootfs;
        List<String> todo = new java.util.ArrayList<>(List.of(path.split("/")));
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.remove(0);
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!cur.equals(rootfs)) cur = cur.getParent();
                continue;
            }
            Path next = cur.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > 40) return null;
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    return null;
                }
                List<String> rest = new java.util.ArrayList<>(List.of(target.split("/")));
                rest.addAll(todo);
                todo = rest;
                if (target.startsWith("/")) cur = rootfs;
                continue;
            }
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) return null;
            cur = next;
        }
        return cur;
    }

    /** HOME for {@code uid} from the rootfs's /etc/passwd, as runc sets it; "/" when unknown. */
    static String home(Path rootfs, long uid) {
        Path passwd = resolve(rootfs, "/etc/passwd");
        if (passwd == null || !Files.isRegularFile(passwd)) return "/";
        try {
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":");
                if (f.length >= 6 && f[2].equals(String.valueOf(uid))) return f[5].isEmpty() ? "/" : f[5];
            }
        } catch (IOException | RuntimeException e) {
            return "/";
        }
        return "/";
    }
}
