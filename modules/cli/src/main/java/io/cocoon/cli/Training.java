package io.cocoon.cli;

import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.oci.State;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The AOT training run (jlink/build-image.sh): drives the CLI's commands in one JVM so that the
 * classes each command loads land in the AOT cache. No VM is booted: every command runs against
 * a scratch state root, including the error paths engines hit (unknown ids, bad bundles).
 */
public final class Training {
    private Training() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : Files.createTempDirectory("cocoon-train").toString());
        Path root = dir.resolve("root");
        Path bundle = dir.resolve("bundle");
        Files.createDirectories(bundle.resolve("rootfs/bin"));
        StateStore store = new StateStore(root);
        try (StateStore.Lock l = store.create("trained")) {
            store.write(new ContainerRecord("1.2.0", "trained", State.STOPPED, 0, 0, bundle.toString(),
                    bundle.resolve("rootfs").toString(), Instant.now().toString(), "root", Map.of(), "qemu-lite", 0, 0,
                    "", "", "", "tcg", 0));
        }
        String r = root.toString();
        List<List<String>> runs = List.of(
                List.of("--version"),
                List.of("--root", r, "state", "trained"),
                List.of("--root", r, "state", "nosuch"),
                List.of("--root", r, "list"),
                List.of("--root", r, "list", "--format", "json"),
                List.of("--root", r, "list", "-q"),
                List.of("--root", r, "--log", dir.resolve("log.json").toString(), "--log-format", "json", "start", "nosuch"),
                List.of("--root", r, "kill", "nosuch", "9"),
                List.of("--root", r, "kill", "trained", "KILL"),
                List.of("--root", r, "pause", "nosuch"),
                List.of("--root", r, "resume", "nosuch"),
                List.of("--root", r, "delete", "--force", "nosuch"),
                List.of("spec", "--bundle", bundle.toString(), "--no-terminal"),
                List.of("--root", r, "create", "--bundle", dir.resolve("missing").toString(), "x"),
                List.of("--root", r, "create", "--bundle", bundle.toString(), "../bad"),
                List.of("features"),
                List.of("plugins"),
                List.of("--root", r, "delete", "trained"),
                List.of("nosuchcommand"));
        for (List<String> a : runs) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(sink, true);
            int rc = Main.run(a.toArray(String[]::new), ps, ps, new ByteArrayInputStream(new byte[0]));
            System.out.println(String.join(" ", a) + " -> " + rc);
        }
    }
}
