package io.cocoon.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.StateStore;

/** Runs {@link Main#run} in-process with captured stdio. */
final class CliRunner {
    record Out(int rc, String out, String err) {}

    static Out run(String... args) {
        return runWithInput("", args);
    }

    static Out runWithInput(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        int rc = Main.run(args, new PrintStream(out, true), new PrintStream(err, true), in);
        return new Out(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes a container record as the monitor would, with fixed values for golden files. */
    static ContainerRecord record(Path root, String id, String status, long pid, Map<String, String> ann) throws IOException {
        return record(root, id, io.cocoon.core.state.ContainerStatus.of(status), pid, ann);
    }

    static ContainerRecord record(Path root, String id, io.cocoon.core.state.ContainerStatus status, long pid, Map<String, String> ann) throws IOException {
        StateStore store = new StateStore(root);
        ContainerRecord r = new ContainerRecord("1.2.0", id, status, pid, 0, "/bundles/" + id, "/bundles/" + id + "/rootfs",
                Instant.parse("2026-11-23T12:00:00Z").toString(), "root", ann, "qemu-lite", 0, 0,
                "/k/vmlinux", "/k/initrd", "", "tcg", null);
        try (StateStore.Lock l = store.create(id)) {
            store.write(r);
        }
        return r;
    }

    /** With -Dgolden.update=true the actual output becomes the golden file (review the diff!). */
    static void assertGolden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            java.nio.file.Path f = java.nio.file.Path.of("src/test/resources/io/cocoon/cli/golden", name);
            java.nio.file.Files.writeString(f, actual);
            return;
        }
        org.junit.jupiter.api.Assertions.assertEquals(golden(name), actual, "golden file " + name);
    }

    static String golden(String name) throws IOException {
        try (InputStream in = CliRunner.class.getResourceAsStream("golden/" + name)) {
            if (in == null) throw new IOException("golden file " + name + " missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
