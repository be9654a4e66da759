package io.cocoon.network.cni;

import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host tools this driver uses (iproute2's {@code ip} and {@code tc}, CNI plugins),
 * optionally inside a network namespace through util-linux's {@code nsenter}, with a deadline,
 * and fails with the tool's own message.
 */
final class Commands {
    static final long TIMEOUT_S = 60;

    /** What a command printed and how it ended. */
    record Result(int rc, String out, String err) {}

    private Commands() {}

    /** {@code nsenter --net=<netns> cmd...}, or cmd itself when {@code netns} is null. */
    static List<String> in(String netns, String... cmd) {
        List<String> out = new ArrayList<>();
        if (netns != null) out.addAll(List.of("nsenter", "--net=" + netns, "--"));
        out.addAll(List.of(cmd));
        return out;
    }

    static Result run(List<String> cmd, String stdin, Map<String, String> env) {
        Path out = null, err = null;
        try {
            // files, not pipes: a pipe read has no deadline
            out = Files.createTempFile("cocoon-net", ".out");
            err = Files.createTempFile("cocoon-net", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (env != null) pb.environment().putAll(env);
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CocoonException(String.join(" ", cmd) + ": no result within " + TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new CocoonException("cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException(String.join(" ", cmd) + ": interrupted");
        } finally {
            try {
                if (out != null) Files.deleteIfExists(out);
                if (err != null) Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // temp files
            }
        }
    }

    /** Runs and returns stdout; a failure throws with the tool's first error line. */
    static String check(List<String> cmd) {
        Result r = run(cmd, null, null);
        if (r.rc() != 0) throw new CocoonException(describe(cmd) + ": " + firstLine(r.err().isBlank() ? r.out() : r.err()));
        return r.out();
    }

    /** Runs iproute2's batch mode: one process for many commands (each ~2 ms saved). */
    static void batch(String netns, String tool, List<String> lines) {
        if (lines.isEmpty()) return;
        List<String> cmd = in(netns, tool, "-batch", "-");
        Result r = run(cmd, String.join("\n", lines) + "\n", null);
        if (r.rc() != 0) throw new CocoonException(describe(cmd) + ": " + firstLine(r.err().isBlank() ? r.out() : r.err()));
    }

    static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("failed");
    }

    private static String describe(List<String> cmd) {
        int i = cmd.indexOf("--");
        return String.join(" ", i >= 0 ? cmd.subList(i + 1, cmd.size()) : cmd);
    }
}
