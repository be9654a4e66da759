package io.cocoon.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    @TempDir Path dir;

    private static void assertConsistent(PluginRegistry r) {
        assertEquals(r.infos().size(),
                r.hypervisors().size() + r.networks().size() + r.storages().size() + r.specHandlers().size());
    }

    @Test
    void builtInScanFindsNoProblems() {
        PluginRegistry r = PluginRegistry.load(List.of());
        assertEquals(List.of(), r.problems());
        assertConsistent(r);
        assertTrue(r.infos().stream().allMatch(i -> i.location().equals("image")), r.infos().toString());
        assertFalse(r.hypervisor("no-such-hypervisor").isPresent());
    }

    @Test
    void missingDirectoriesAndNonJarFilesAreIgnored() throws IOException {
        Files.writeString(dir.resolve("README.txt"), "drop plugin jars here");
        Files.write(dir.resolve("x.jar.disabled"), new byte[] {1, 2, 3});
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/nested.jar"), new byte[] {1, 2, 3});
        PluginRegistry base = PluginRegistry.load(List.of());
        PluginRegistry r = PluginRegistry.load(List.of(dir, dir.resolve("absent")));
        assertEquals(List.of(), r.problems());
        assertEquals(base.infos().size(), r.infos().size());
    }

    @Test
    void brokenJarIsAProblemNotAnException() throws IOException {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        Path jar = dir.resolve("x.jar");
        Files.write(jar, junk);
        PluginRegistry r = PluginRegistry.load(List.of(dir));
        assertEquals(1, r.problems().size(), r.problems().toString());
        PluginRegistry.Problem p = r.problems().get(0);
        assertEquals(jar.toString(), p.location());
        assertFalse(p.message().isBlank());
        assertFalse(p.message().contains("\n"), p.message());
        assertConsistent(r);
    }

    @Test
    void jarWithoutProvidersIsReported() throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Path jar = dir.resolve("empty-plugin.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.closeEntry();
        }
        Path junk = dir.resolve("a-broken.jar");
        Files.write(junk, new byte[] {'P', 'K', 3, 4, 0, 0});
        PluginRegistry r = PluginRegistry.load(List.of(dir));
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertEquals(junk.toString(), r.problems().get(0).location(), "jars are loaded in name order");
        assertEquals(new PluginRegistry.Problem(jar.toString(), "provides no Cocoon driver or spec handler"), r.problems().get(1));
    }

    @Test
    void defaultDirectories() {
        assertEquals(List.of(io.cocoon.core.config.CocoonHome.get().resolve("plugins"), Path.of("/usr/lib/cocoon/plugins")),
                PluginRegistry.defaultDirs());
    }
}
