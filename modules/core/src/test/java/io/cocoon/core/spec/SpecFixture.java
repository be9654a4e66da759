package io.cocoon.core.spec;

import io.cocoon.core.config.ConfigLocator;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.oci.Spec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Builds specs from compact single-quoted JSON and plans whose config search covers the bundle only. */
final class SpecFixture {
    private SpecFixture() {}

    /** {@code members} are the top-level members besides ociVersion, with ' for ". */
    static Spec spec(String members) {
        String body = members.isBlank() ? "" : ", " + members;
        return SpecParser.parse(("{'ociVersion': '1.2.0'" + body + "}").replace('\'', '"').getBytes(StandardCharsets.UTF_8),
                "config.json");
    }

    static SandboxPlan plan(Path bundle) {
        return new SandboxPlan("test-id", bundle, new ConfigLocator(List.of(bundle)));
    }

    static SandboxPlan plan() {
        return plan(Path.of("/nonexistent-cocoon-bundle"));
    }
}
