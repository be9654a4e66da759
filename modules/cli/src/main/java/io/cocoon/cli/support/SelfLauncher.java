package io.cocoon.cli.support;

import io.cocoon.core.config.CocoonHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How to start another cocoon process (the monitor, an exec relay) the way we were started:
 * {@code -Dcocoon.launcher} / {@code COCOON_LAUNCHER} if set, else the image's
 * {@code bin/cocoon}, else this JVM with its module or class path.
 */
public final class SelfLauncher {
    /** Small, quick-starting JVM settings for long-lived helpers (a monitor idles most of its life). */
    static final List<String> HELPER_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:MaxRAM=256m", "-Xlog:disable", "-Xlog:all=off", "-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput");

    private SelfLauncher() {}

    /**
     * Prefixes {@code setsid -f}, so the process starts as a grandchild in its own session and
     * its intermediate parent exits at once. The caller's subreaper (conmon, containerd-shim)
     * then adopts it straight away, and this JVM never reaps it: a JVM reaps the children it
     * starts itself, which would steal a fast-exiting process's status from the engine.
     */
    public static List<String> detached(List<String> cmd) {
        List<String> out = new ArrayList<>();
        if (java.nio.file.Files.isExecutable(Path.of("/usr/bin/setsid"))) out.addAll(List.of("/usr/bin/setsid", "-f"));
        out.addAll(cmd);
        return out;
    }

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
