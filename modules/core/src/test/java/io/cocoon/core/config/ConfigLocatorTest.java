package io.cocoon.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLocatorTest {
    @Test
    void firstDirectoryHoldingAFileWins(@TempDir Path root) throws IOException {
        Path bundle = Files.createDirectories(root.resolve("bundle"));
        Path etc = Files.createDirectories(root.resolve("etc"));
        Path defaults = Files.createDirectories(root.resolve("defaults"));
        Files.writeString(etc.resolve("vm.json"), "{}");
        Files.writeString(defaults.resolve("vm.json"), "{}");
        Files.writeString(defaults.resolve("hypervisor.args"), "-m");
        Files.createDirectories(bundle.resolve("hypervisor.args"));
        ConfigLocator l = new ConfigLocator(List.of(bundle, etc, defaults));
        assertEquals(Optional.of(etc.resolve("vm.json")), l.apply("vm.json"));
        assertEquals(Optional.of(defaults.resolve("hypervisor.args")), l.apply("hypervisor.args"), "directories are skipped");
        assertEquals(Optional.empty(), l.apply("nothing.json"));
        assertEquals(List.of(bundle.resolve("x"), etc.resolve("x"), defaults.resolve("x")), l.candidates("x"));
    }

    @Test
    void defaultSearchPathIsBundleEtcThenDefaults() {
        ConfigLocator l = new ConfigLocator(Path.of("/b"));
        assertEquals(List.of(Path.of("/b"), Path.of("/etc/cocoon"), CocoonHome.defaults()), l.dirs());
        assertEquals(CocoonHome.get().resolve("share/defaults/cocoon"), CocoonHome.defaults());
    }
}
