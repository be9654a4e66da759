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

    public static String text() {
        return "cocoon version " + version() + "\n"
                + "spec: " + spec() + "\n"
                + "java: " + System.getProperty("java.version") + "\n";
    }
}
