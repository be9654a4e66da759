package io.cocoon.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code cocoon} binary (or runc) as an engine would, always with a deadline. */
public final class Cocoon {
    /** One finished invocation. */
    public record Result(int rc, String out, String err) {
        public String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "rc=" + rc + " out=[" + out + "] err=[" + err + "]";
        }
    }

    private final List<String> binary;
    private final Path root;

    public Cocoon(List<String> binary, Path root) {
        this.binary = List.copyOf(binary);
        this.root = root;
    }

    /** The image under test, from -Dcocoon.image (set by the conformance pom). */
    public static Path image() {
        return Path.of(System.getProperty("cocoon.image", "../distribution/target/image")).toAbsolutePath().normalize();
    }

    public static Cocoon image(Path root) {
        return new Cocoon(List.of(image().resolve("bin/cocoon").toString()), root);
    }

    public Path root() {
        return root;
    }

    /** The same CLI with an environment variable set for each call (through env(1)). */
    public Cocoon withEnv(String name, String value) {
        List<String> b = new ArrayList<>(List.of("/usr/bin/env", name + "=" + value));
        b.addAll(binary);
        return new Cocoon(b, root);
    }

    public List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(binary);
        if (root != null) cmd.addAll(List.of("--root", root.toString()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    public Result run(String... args) {
        return exec(command(args), null, null, Duration.ofSeconds(120));
    }

    public Result runIn(Path cwd, String... args) {
        return exec(command(args), cwd, null, Duration.ofSeconds(120));
    }

    /** Runs any command line; stdin from {@code input} (or /dev/null). */
    public static Result exec(List<String> cmd, Path cwd, String input, Duration timeout) {
        try {
            Path out = Files.createTempFile("cocoon-out", ".txt");
            Path err = Files.createTempFile("cocoon-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                if (cwd != null) pb.directory(cwd.toFile());
                if (input == null) pb.redirectInput(new File("/dev/null"));
                Process p = pb.start();
                if (input != null) {
                    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
                    p.getOutputStream().close();
                }
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    return new Result(-1, Files.readString(out), Files.readString(err) + "\n[timed out after " + timeout + "]");
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A tool script shipped with this module (recvtty.py, subreaper.py), copied to {@code dir}. */
    public static Path tool(String name, Path dir) throws IOException {
        Path p = dir.resolve(name);
        try (var in = Cocoon.class.getResourceAsStream(name)) {
            Files.write(p, in.readAllBytes());
        }
        p.toFile().setExecutable(true);
        return p;
    }

    /** Host pids of processes whose command line contains {@code text}. */
    public static List<Long> pidsMatching(String text) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
