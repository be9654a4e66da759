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

    /** Compiles {@code sources} (path -> text) into a jar against the given module path. */
    static Path jar(Path dir, String name, java.util.Map<String, String> sources, String modulePath) throws IOException {
        Path src = dir.resolve(name + "-src");
        List<String> args = new java.util.ArrayList<>(List.of("-d", dir.resolve(name + "-classes").toString(), "--module-path", modulePath));
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        Path classes = dir.resolve(name + "-classes");
        Files.createDirectories(classes);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)), name + " compiles");
        Path jar = dir.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); var walk = Files.walk(classes)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static final String DRIVER = """
            package com.example.%1$s;
            import io.cocoon.spi.*;
            import java.nio.file.Path;
            import java.util.Set;
            public final class Driver implements Hypervisor {
                public String name() { return "%1$s-hv"; }
                public String description() { return %2$s; }
                public Set<Feature> features() { return Set.of(); }
                public Vm launch(VmPlan plan) { throw new CocoonException("boots nothing"); }
                public void cleanup(Path stateDir) { }
            }
            """;

    /**
     * Isolation by construction: a jar that requires io.cocoon.core is refused with one line; a
     * plugin folder with its own dependency jar loads into one layer, and reports the SPI version
     * it was built against.
     */
    @Test
    void aPluginRequiringCoreIsRefusedAndAFolderWithItsDependencyLoads() throws Exception {
        Path image = tmp.resolve("image");
        assertEquals(0, new ProcessBuilder("cp", "-al", Cocoon.image().toString(), image.toString()).inheritIO().start().waitFor());
        String spi = System.getProperty("cocoon.spiJar");
        Path core = Path.of(spi).getParent().getParent().getParent().resolve("core/target/classes");
        Path sneaky = jar(tmp, "sneaky", java.util.Map.of(
                "module-info.java", "module com.example.sneaky { requires io.cocoon.spi; requires io.cocoon.core;"
                        + " provides io.cocoon.spi.Hypervisor with com.example.sneaky.Driver; }",
                "com/example/sneaky/Driver.java", DRIVER.formatted("sneaky", "\"sneaky\"")), spi + ":" + core);
        Files.copy(sneaky, image.resolve("plugins/sneaky.jar"));
        Path lib = jar(tmp, "greeting", java.util.Map.of(
                "module-info.java", "module com.example.greeting { exports com.example.greeting; }",
                "com/example/greeting/Greeting.java", "package com.example.greeting; public final class Greeting {"
                        + " public static String text() { return \"hello from a dependency jar\"; } }"), spi);
        Path plugin = jar(tmp, "folder", java.util.Map.of(
                "module-info.java", "module com.example.folder { requires io.cocoon.spi; requires com.example.greeting;"
                        + " provides io.cocoon.spi.Hypervisor with com.example.folder.Driver; }",
                "com/example/folder/Driver.java", DRIVER.formatted("folder", "com.example.greeting.Greeting.text()")),
                spi + ":" + lib);
        Path folder = image.resolve("plugins/folder-plugin");
        Files.createDirectories(folder);
        Files.copy(plugin, folder.resolve("folder.jar"));
        Files.copy(lib, folder.resolve("greeting.jar"));
        Cocoon.Result r = Cocoon.exec(List.of(image.resolve("bin/cocoon").toString(), "plugins"), tmp, null, Duration.ofSeconds(60));
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("BROKEN " + image.resolve("plugins/sneaky.jar") + ": module com.example.sneaky requires"
                + " io.cocoon.core: a plugin may require only io.cocoon.spi, the JDK and jars in its own folder"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.contains("sneaky-hv")), r.out());
        String line = r.out().lines().filter(l -> l.contains("folder-hv")).findFirst().orElse("");
        assertTrue(line.contains("com.example.folder") && line.contains(folder.toString()) && line.contains(" " + io.cocoon.spi.SpiVersion.VERSION + " "), r.out());
        Cocoon.Result d = Cocoon.exec(List.of(image.resolve("bin/cocoon").toString(), "doctor"), tmp, null, Duration.ofSeconds(60));
        assertTrue(d.out().contains("sneaky.jar"), "doctor warns about the refused plugin: " + d.out());
    }
}
