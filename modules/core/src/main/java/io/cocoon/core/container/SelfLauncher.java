package io.cocoon.core.container;

import io.cocoon.core.config.CocoonHome;
import io.cocoon.spi.CocoonException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts another cocoon process (the monitor, an exec relay) the way we were started, detached:
 * {@code -Dcocoon.launcher} / {@code COCOON_LAUNCHER} if set, else the image's
 * {@code bin/cocoon}, else this JVM with its module or class path.
 */
public final class SelfLauncher {
    /** Small, quick-starting JVM settings for long-lived helpers (a monitor idles most of its life). */
    static final List<String> HELPER_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:MaxRAM=256m", "-Xlog:disable", "-Xlog:all=off", "-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput");

    private SelfLauncher() {}

    /**
     * Starts {@code cocoon <args>} through {@code setsid -f}, so it runs as a grandchild in its
     * own session and its intermediate parent exits at once. The caller's subreaper (conmon,
     * containerd-shim) then adopts it straight away, and this JVM never reaps it: a JVM reaps the
     * children it starts itself, which would steal a fast-exiting process's status from the
     * engine. With a terminal the child's stdio is the pty, so it must not hold the caller's
     * pipes (a caller reading them to EOF, like go-runc, would wait forever); otherwise it
     * inherits them. Returns once the intermediate process has exited (10 s at most).
     */
    public static void startDetached(List<String> args, boolean terminal) {
        startDetached(List.of(), args, terminal);
    }

    /**
     * @param prefix commands that exec the next one in new namespaces ({@code unshare ... --}),
     *     between {@code setsid -f} and cocoon, so the pid stays the same through the chain
     */
    public static void startDetached(List<String> prefix, List<String> args, boolean terminal) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) cmd.addAll(List.of("/usr/bin/setsid", "-f"));
        cmd.addAll(prefix);
        cmd.addAll(command());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // where it came from, so a child in a new mount namespace can tell that it is in one
        try {
            pb.environment().put("COCOON_PARENT_MNTNS", Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            // the child falls back to comparing with PID 1
        }
        if (terminal) {
            pb.redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
        } else {
            pb.inheritIO();
        }
        try {
            pb.start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new CocoonException("cannot start " + String.join(" ", args.subList(0, Math.min(2, args.size()))) + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command that starts this installation's CLI. */
    public static List<String> command() {
        String explicit = System.getProperty("cocoon.launcher");
        if (explicit == null || explicit.isBlank()) explicit = System.getenv("COCOON_LAUNCHER");
        if (explicit != null && !explicit.isBlank()) return new ArrayList<>(Arrays.asList(explicit.trim().split("\\s+")));
        Path launcher = CocoonHome.launcher();
        if (launcher != null) return new ArrayList<>(List.of(launcher.toString()));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(HELPER_JVM);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        String home = System.getProperty("cocoon.home");
        if (home != null) cmd.add("-Dcocoon.home=" + home);
        String mp = System.getProperty("jdk.module.path");
        if (mp != null && !mp.isEmpty()) {
            cmd.addAll(List.of("--module-path", mp, "--add-modules", "ALL-MODULE-PATH", "-m", "io.cocoon.cli/io.cocoon.cli.Main"));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cocoon.cli.Main"));
        }
        return cmd;
    }
}
