package io.cocoon.core.lifecycle;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonValues;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs OCI hooks on the host, as runtime-spec says: {@code path} with {@code args} (args[0] is
 * argv[0]) and exactly {@code env}, the container state on stdin, killed after {@code timeout}
 * seconds. A hook without a timeout still gets a generous deadline, so no hook hangs a command.
 */
public final class HookRunner {
    /** Deadline for hooks that set none. */
    public static final int DEFAULT_TIMEOUT_S = 120;

    private HookRunner() {}

    /** Runs hooks in order; the first failure throws, naming the hook point and path. */
    public static void run(String point, List<Spec.Hook> hooks, Map<String, Object> state) {
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook h = hooks.get(i);
            String err = runOne(h, state);
            if (err != null) throw new CocoonException(point + " hook #" + i + " (" + h.path() + ") failed: " + err);
        }
    }

    /** Runs hooks, collecting failures instead of stopping (poststart, poststop). */
    public static List<String> runAll(String point, List<Spec.Hook> hooks, Map<String, Object> state) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < hooks.size(); i++) {
            String err = runOne(hooks.get(i), state);
            if (err != null) failures.add(point + " hook #" + i + " (" + hooks.get(i).path() + ") failed: " + err);
        }
        return failures;
    }

    /** Returns null on success, else what went wrong. */
    static String runOne(Spec.Hook h, Map<String, Object> state) {
        List<String> argv = new ArrayList<>();
        argv.add(h.path());
        if (h.args().size() > 1) argv.addAll(h.args().subList(1, h.args().size()));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        for (String e : h.env()) {
            int eq = e.indexOf('=');
            if (eq > 0) pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return e.getMessage();
        }
        // stdin and stderr are served by their own threads, so neither a hook that ignores a
        // large state nor one that writes a lot to stderr can block us past its deadline
        byte[] stateBytes = Json.write(state).getBytes(StandardCharsets.UTF_8);
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(stateBytes);
            } catch (IOException ignored) {
                // a hook may exit without reading its stdin
            }
        });
        java.util.concurrent.CompletableFuture<String> stderr = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> read(p.getErrorStream()), r -> Thread.ofVirtual().start(r));
        int timeout = h.timeout() == null ? DEFAULT_TIMEOUT_S : h.timeout();
        try {
            if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                feeder.interrupt();
                return "timed out after " + timeout + " s";
            }
            if (p.exitValue() != 0) {
                String text = stderr.get(2, TimeUnit.SECONDS).strip();
                return "exit status " + p.exitValue() + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse(""));
            }
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return "exit status " + p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Reads all of a stream, keeping the first 4 KiB (enough for an error line). */
    private static String read(InputStream in) {
        try {
            byte[] b = in.readNBytes(4096);
            in.transferTo(OutputStream.nullOutputStream());
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Reads one hook list from a config.json parsed with the small JSON reader. */
    public static List<Spec.Hook> fromConfig(Map<String, Object> config, String point) {
        List<Spec.Hook> out = new ArrayList<>();
        for (Object o : JsonValues.list(JsonValues.map(config, "hooks"), point)) {
            if (!(o instanceof Map<?, ?> m)) continue;
            String path = JsonValues.string(m, "path").orElse(null);
            if (path == null) continue;
            List<String> args = JsonValues.list(m, "args").stream().map(String::valueOf).toList();
            List<String> env = JsonValues.list(m, "env").stream().map(String::valueOf).toList();
            Integer timeout = JsonValues.number(m, "timeout").map(Long::intValue).orElse(null);
            out.add(new Spec.Hook(path, args, env, timeout));
        }
        return out;
    }
}
