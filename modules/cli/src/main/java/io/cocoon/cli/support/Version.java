package io.cocoon.cli.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code cocoon --version}: the same shape as runc's, for {@code podman info}. */
public final class Version {
    private Version() {}

    public static String version() {
        return props().getProperty("version", "unknown");
    }

    public static String spec() {
        return props().getProperty("spec", "1.2.0");
    }

    static Properties props() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // defaults above
        }
        return p;
    }

    /**
     * What the image was built from ({@code share/cocoon/build-info}, written by
     * jlink/build-image.sh): {@code commit}, {@code kernel} (the guest kernel's release).
     */
    static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = java.nio.file.Files.newInputStream(io.cocoon.core.config.CocoonHome.get().resolve("share/cocoon/build-info"))) {
            p.load(in);
        } catch (IOException | RuntimeException ignored) {
            // not an image (a development run): "unknown" below
        }
        return p;
    }

    /** runc's shape ({@code runc version}, {@code commit}, {@code spec}, then its toolchain), plus the guest kernel. */
    public static String text() {
        Properties b = buildInfo();
        return "cocoon version " + version() + "\n"
                + "commit: " + b.getProperty("commit", "unknown") + "\n"
                + "spec: " + spec() + "\n"
                + "java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.vendor", "?") + ")\n"
                + "guest kernel: " + b.getProperty("kernel", "unknown") + "\n";
    }
}
