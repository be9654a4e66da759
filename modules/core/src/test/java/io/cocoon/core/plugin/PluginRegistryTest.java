package io.cocoon.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
        Files.writeString(dir.resolve("sub/README"), "a folder without jars is not a plugin");
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
    void aFolderWithABrokenJarIsOneProblem() throws IOException {
        Files.createDirectories(dir.resolve("myplugin"));
        Files.write(dir.resolve("myplugin/nested.jar"), new byte[] {1, 2, 3});
        PluginRegistry r = PluginRegistry.load(List.of(dir));
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertEquals(dir.resolve("myplugin").toString(), r.problems().get(0).location());
    }

    @Test
    void requiringAnythingButTheSpiAndTheJdkIsRefused() {
        ModuleDescriptor d = ModuleDescriptor.newModule("com.example.sneaky").requires("io.cocoon.spi").requires("io.cocoon.core")
                .requires("java.logging").build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PluginRegistry.checkRequires(d, Set.of()));
        assertEquals("module com.example.sneaky requires io.cocoon.core: a plugin may require only io.cocoon.spi, the JDK and"
                + " jars in its own folder", e.getMessage());
        ModuleDescriptor own = ModuleDescriptor.newModule("com.example.ok").requires("io.cocoon.spi").requires("com.example.lib")
                .requires("jdk.unsupported").build();
        PluginRegistry.checkRequires(own, Set.of("com.example.ok", "com.example.lib"));
    }

    @Test
    void theSpiVersionAPluginWasBuiltAgainstIsChecked() {
        ModuleDescriptor newerMajor = ModuleDescriptor.newModule("com.example.future")
                .requires(Set.of(), "io.cocoon.spi", ModuleDescriptor.Version.parse("2.0")).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PluginRegistry.checkRequires(newerMajor, Set.of()));
        assertTrue(e.getMessage().startsWith("module com.example.future was built against SPI 2.0, this Cocoon has SPI "
                + io.cocoon.spi.SpiVersion.VERSION), e.getMessage());
        assertTrue(PluginRegistry.compatible("1.0", "1.1"), "older minor: fine");
        assertTrue(PluginRegistry.compatible("1.1", "1.1"));
        assertFalse(PluginRegistry.compatible("1.2", "1.1"), "newer minor: uses what is not there");
        assertFalse(PluginRegistry.compatible("0.9", "1.1"));
        assertFalse(PluginRegistry.compatible("garbage", "1.1"));
        ModuleDescriptor same = ModuleDescriptor.newModule("com.example.now")
                .requires(Set.of(), "io.cocoon.spi", ModuleDescriptor.Version.parse(io.cocoon.spi.SpiVersion.VERSION)).build();
        PluginRegistry.checkRequires(same, Set.of());
        assertEquals(io.cocoon.spi.SpiVersion.VERSION, PluginRegistry.spiVersion(same).orElseThrow());
    }

    @Test
    void builtInDriversReportTheSpiTheyWereBuiltAgainst() {
        for (PluginRegistry.PluginInfo i : PluginRegistry.load(List.of()).infos()) {
            assertFalse(i.spiVersion().isBlank(), i.toString());
        }
    }

    @Test
    void defaultDirectories() {
        assertEquals(List.of(io.cocoon.core.config.CocoonHome.get().resolve("plugins"), Path.of("/usr/lib/cocoon/plugins")),
                PluginRegistry.defaultDirs());
    }
}
