package io.cocoon.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine test support: a logging wrapper that stands for the runtime (so the tests see exactly
 * how podman/conmon and containerd's shim call it), and helpers to read that log.
 */
public final class Engines {
    private Engines() {}

    /**
     * Writes {@code <dir>/cocoon}: logs one line per call (argv and what fds 0-2 are), then execs
     * the image's cocoon. Named "cocoon" so podman's runtime_supports_json can name it.
     */
    public static Path wrapper(Path dir, Path log) throws IOException {
        Files.createDirectories(dir);
        Path w = dir.resolve("cocoon");
        Files.writeString(w, "#!/bin/sh\n"
                + "f0=$(readlink /proc/$$/fd/0); f1=$(readlink /proc/$$/fd/1); f2=$(readlink /proc/$$/fd/2)\n"
                + "{ printf 'CALL'; for a in \"$@\"; do printf ' %s' \"$a\"; done;"
                + " printf ' |fd0=%s fd1=%s fd2=%s\\n' \"$f0\" \"$f1\" \"$f2\"; } >> "
                + log + "\n"
                + "exec " + Cocoon.image().resolve("bin/cocoon") + " \"$@\"\n");
        w.toFile().setExecutable(true);
        return w;
    }

    /** The logged calls, one string each (argv joined by spaces, then the fds). */
    public static List<String> calls(Path log) throws IOException {
        if (!Files.exists(log)) return List.of();
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) if (l.startsWith("CALL ")) out.add(l.substring(5));
        return out;
    }

    /** The runtime subcommand of a logged call (skipping global flags). */
    public static String subcommand(String call) {
        String[] a = call.split(" \\|")[0].split(" ");
        for (int i = 0; i < a.length; i++) {
            String s = a[i];
            if (s.equals("--root") || s.equals("--log") || s.equals("--log-format")) {
                i++;
                continue;
            }
            if (s.startsWith("-")) continue;
            return s;
        }
        return "";
    }
}
