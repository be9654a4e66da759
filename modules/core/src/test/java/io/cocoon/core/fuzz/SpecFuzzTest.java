package io.cocoon.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.core.spec.SeccompHandler;
import io.cocoon.core.spec.SpecPipeline;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.GuestMount;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes reading config.json: bytes, {@link SpecParser}, the core spec handlers of
 * {@link SpecPipeline}, then the CREATE payload {@link AgentPayloads} encodes from the plan (with
 * the spec mounts passed through as a storage driver without host resources would).
 *
 * <p>The only acceptable failure is a {@link CocoonException} (a {@code SpecException} among them)
 * with a message, which the CLI prints as one line; anything else that escapes is a bug, and so is
 * a hang (Jazzer's timeout). {@code mvn test} replays
 * {@code src/test/resources/io/cocoon/core/fuzz/SpecFuzzTestInputs/config/}; {@code scripts/fuzz}
 * fuzzes (JAZZER_FUZZ=1).
 */
class SpecFuzzTest {
    private static final SpecPipeline PIPELINE = new SpecPipeline(List.of());
    private static final Path BUNDLE = bundle();

    /** A bundle whose "rootfs" exists, so that the plan gets past the root handler. */
    private static Path bundle() {
        try {
            Path b = Files.createTempDirectory("cocoon-fuzz-bundle");
            b.toFile().deleteOnExit(); // deleteOnExit runs in reverse order: rootfs first, then b
            Files.createDirectories(b.resolve("rootfs"));
            b.resolve("rootfs").toFile().deleteOnExit();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void config(byte[] data) {
        try {
            Spec spec = SpecParser.parse(data, "config.json");
            SandboxPlan plan = PIPELINE.plan("fuzz", BUNDLE, spec, name -> Optional.empty());
            if (plan.process() == null) return;
            StoragePlan storage = new StoragePlan(new GuestMount("9p", "rootfs", "/", List.of("trans=virtio"), false, false, false),
                    plan.mounts().stream().map(GuestMount::of).toList(), List.of());
            byte[] create = AgentPayloads.create(plan, storage, plan.process(), true).toBytes();
            assertNotNull(create);
            SeccompCompiler.Program seccomp = (SeccompCompiler.Program) plan.extensions().get(SeccompHandler.PROGRAM);
            assertNotNull(AgentPayloads.process(plan.process(), seccomp, false).toBytes());
        } catch (CocoonException e) {
            assertNotNull(e.getMessage(), "CocoonException without a message");
            assertFalse(e.getMessage().isBlank(), "CocoonException with a blank message");
        }
    }
}
