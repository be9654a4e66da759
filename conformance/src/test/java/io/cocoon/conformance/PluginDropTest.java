package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party driver built against the SPI jar alone, dropped into plugins/ of an image at run
 * time, is found; a broken jar beside it is reported, not fatal.
 */
class PluginDropTest {
    @TempDir Path tmp;

    static Path buildPlugin(Path dir) throws IOException {
        Path src = dir.resolve("src");
        Path pkg = src.resolve("com/example/hv");
        Files.createDirectories(pkg);
        Files.writeString(src.resolve("module-info.java"), """
                module com.example.hv {
                    requires io.cocoon.spi;
                    provides io.cocoon.spi.Hypervisor with com.example.hv.ExampleHypervisor;
                }
                """);
        Files.writeString(pkg.resolve("ExampleHypervisor.java"), """
                package com.example.hv;
                import io.cocoon.spi.*;
                import java.nio.file.Path;
                import java.util.Set;
                public final class ExampleHypervisor implements Hypervisor {
                    public String name() { return "example-hv"; }
                    public Set<Feature> features() { return Set.of(); }
                    public Vm launch(VmPlan plan) { throw new CocoonException("example-hv boots nothing"); }
                    public void cleanup(Path stateDir) { }
                }
                """);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "--module-path", System.getProperty("cocoon.spiJar"),
                src.resolve("module-info.java").toString(), pkg.resolve("ExampleHypervisor.java").toString());
        assertEquals(0, rc, "plugin compiles against the SPI jar alone");
        Path jar = dir.resolve("example-hv.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); var walk = Files.walk(classes)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void droppedJarIsListedAndBrokenJarReported() throws Exception {
        Path image = tmp.resolve("image");
        // a hard-linked copy of the image, so the build output is not touched
        Process cp = new ProcessBuilder("cp", "-al", Cocoon.image().toString(), image.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        Path jar = buildPlugin(tmp.resolve("plugin"));
        Files.copy(jar, image.resolve("plugins/example-hv.jar"));
        Files.write(image.resolve("plugins/broken.jar"), new byte[] {1, 2, 3, 4});
        Cocoon.Result r = Cocoon.exec(List.of(image.resolve("bin/cocoon").toString(), "plugins"), tmp, null, Duration.ofSeconds(60));
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("example-hv") && r.out().contains("com.example.hv") && r.out().contains("example-hv.jar"), r.out());
        assertTrue(r.out().contains("qemu-lite"), r.out());
        assertTrue(r.out().contains("BROKEN " + image.resolve("plugins/broken.jar")), r.out());
        Cocoon.Result f = Cocoon.exec(List.of(image.resolve("bin/cocoon").toString(), "features"), tmp, null, Duration.ofSeconds(60));
        assertTrue(f.out().contains("example-hv"), f.out());
    }
}
