package io.cocoon.core.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Cocoon is installed. The jlink image is laid out as
 * {@code <home>/bin/cocoon}, {@code <home>/lib/...}, {@code <home>/plugins/},
 * {@code <home>/share/cocoon/guest/} and {@code <home>/share/defaults/cocoon/}; the image's
 * {@code java.home} is {@code <home>} itself. {@code -Dcocoon.home} or {@code COCOON_HOME}
 * override it (tests, development trees).
 */
public final class CocoonHome {
    private CocoonHome() {}

    public static Path get() {
        String p = System.getProperty("cocoon.home");
        if (p == null || p.isEmpty()) p = System.getenv("COCOON_HOME");
        if (p == null || p.isEmpty()) p = System.getProperty("java.home");
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** {@code <home>/share/defaults/cocoon}: the defaults shipped with the image. */
    public static Path defaults() {
        return get().resolve("share/defaults/cocoon");
    }

    /** {@code <home>/share/cocoon/guest}: kernel, initramfs and agent built with the image. */
    public static Path guest() {
        return get().resolve("share/cocoon/guest");
    }

    /** The launcher, used to start monitors and relays the same way the user started us. */
    public static Path launcher() {
        Path p = get().resolve("bin/cocoon");
        return Files.isExecutable(p) ? p : null;
    }
}
