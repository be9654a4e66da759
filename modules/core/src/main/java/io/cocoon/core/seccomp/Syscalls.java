package io.cocoon.core.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** x86_64 syscall names to numbers, read once from a table generated from the uapi headers. */
public final class Syscalls {
    private static volatile Map<String, Integer> table;

    private Syscalls() {}

    /** The number of {@code name} on x86_64, or -1 when this kernel ABI has no such syscall. */
    public static int x86_64(String name) {
        Integer n = load().get(name);
        return n == null ? -1 : n;
    }

    private static Map<String, Integer> load() {
        Map<String, Integer> t = table;
        if (t != null) return t;
        Map<String, Integer> m = new HashMap<>();
        try (InputStream in = Syscalls.class.getResourceAsStream("syscalls-x86_64.txt")) {
            if (in == null) throw new IllegalStateException("syscalls-x86_64.txt missing from the build");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.trim().split("\\s+");
                m.put(f[0], Integer.parseInt(f[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        table = Map.copyOf(m);
        return table;
    }
}
