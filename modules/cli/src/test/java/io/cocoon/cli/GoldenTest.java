package io.cocoon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden outputs of state, list --format json, spec and features: what engines and scripts
 * parse must not change by accident. Regenerate deliberately by copying the actual output.
 */
class GoldenTest {
    @TempDir Path tmp;

    @Test
    void stateOfAStoppedContainer() throws Exception {
        CliRunner.record(tmp, "golden", "stopped", 0, Map.of("io.example/a", "b"));
        CliRunner.Out o = CliRunner.run("--root", tmp.toString(), "state", "golden");
        assertEquals(0, o.rc(), o.err());
        CliRunner.assertGolden("state.json", o.out());
    }

    @Test
    void listJson() throws Exception {
        CliRunner.record(tmp, "a1", "stopped", 0, Map.of());
        CliRunner.record(tmp, "b2", "created", 999_999_999, Map.of());
        CliRunner.Out o = CliRunner.run("--root", tmp.toString(), "list", "--format", "json", "--all");
        CliRunner.assertGolden("list.json", o.out());
    }

    @Test
    void spec() throws Exception {
        assertEquals(0, CliRunner.run("spec", "--bundle", tmp.toString()).rc());
        CliRunner.assertGolden("spec.json", Files.readString(tmp.resolve("config.json")));
    }

    @Test
    void features() throws Exception {
        CliRunner.Out o = CliRunner.run("features");
        assertEquals(0, o.rc(), o.err());
        // the plugin list depends on what is on the module path of the test: compare without it
        String actual = o.out().replaceAll("\"io.cocoon.plugins.[a-z-]+\": \"[^\"]*\"", "\"io.cocoon.plugins.X\": \"\"")
                .replaceAll("\"io.cocoon.version\": \"[^\"]*\"", "\"io.cocoon.version\": \"V\"")
                .replaceAll("\"io.cocoon.spi.version\": \"[^\"]*\"", "\"io.cocoon.spi.version\": \"S\"");
        CliRunner.assertGolden("features.json", actual);
    }
}
