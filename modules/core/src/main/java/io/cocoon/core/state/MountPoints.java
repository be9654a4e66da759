package io.cocoon.core.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount points this process sees below a directory ({@code /proc/self/mountinfo}). A state
 * directory holds the container's share, into which the monitor bind-mounts the rootfs and the
 * bind sources: deleting it recursively where those binds are visible would delete the user's
 * files. So nothing that removes a tree ever descends into a mount point.
 */
public final class MountPoints {
    private MountPoints() {}

    /** Mount points at or below {@code dir}, deepest first. */
    public static List<Path> under(Path dir) {
        List<Path> out = new ArrayList<>();
        Path d = dir.toAbsolutePath().normalize();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length < 5) continue;
                Path mp = Path.of(unescape(f[4]));
                if (mp.startsWith(d)) out.add(mp);
            }
        } catch (IOException | RuntimeException e) {
            // no mountinfo: nothing known to avoid
        }
        out.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as \\ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
