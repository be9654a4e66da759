package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootHandlerTest {
    @TempDir Path bundle;
    private final RootHandler handler = new RootHandler();

    @Test
    void relativeRootResolvesAgainstTheBundle() throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        SandboxPlan p = plan(bundle);
        handler.apply(spec("'root': {'path': './rootfs/', 'readonly': true}"), p);
        assertEquals(bundle.resolve("rootfs"), p.rootfs());
        assertTrue(p.rootReadonly());
        assertEquals("1.2.0", p.ociVersion());
        assertEquals("root", handler.section());
        assertEquals(100, handler.order());
    }

    @Test
    void absoluteRootIsUsedAsIs(@TempDir Path elsewhere) {
        SandboxPlan p = plan(bundle);
        handler.apply(spec("'root': {'path': '" + elsewhere + "'}"), p);
        assertEquals(elsewhere, p.rootfs());
        assertFalse(p.rootReadonly());
    }

    @Test
    void missingRootIsRequired() {
        SpecException e = assertThrows(SpecException.class, () -> handler.apply(spec(""), plan(bundle)));
        assertEquals("root: is required", e.getMessage());
    }

    @Test
    void emptyMissingOrFileRootsAreRefused() throws IOException {
        assertEquals("root.path: must not be empty", assertThrows(SpecException.class,
                () -> handler.apply(spec("'root': {'path': ''}"), plan(bundle))).getMessage());
        assertEquals("root.path: " + bundle.resolve("rootfs") + " does not exist", assertThrows(SpecException.class,
                () -> handler.apply(spec("'root': {'path': 'rootfs'}"), plan(bundle))).getMessage());
        Files.writeString(bundle.resolve("file"), "x");
        assertEquals("root.path: " + bundle.resolve("file") + " is not a directory", assertThrows(SpecException.class,
                () -> handler.apply(spec("'root': {'path': 'file'}"), plan(bundle))).getMessage());
    }
}
