package io.cocoon.core.plugin;

import io.cocoon.core.config.CocoonHome;
import io.cocoon.spi.Driver;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.SpiVersion;
import io.cocoon.spi.StorageProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds drivers: those linked into the image (or on the module/class path) and plugins dropped
 * into {@code <home>/plugins/} and {@code /usr/lib/cocoon/plugins/}. A plugin is a jar, or a
 * folder holding the plugin's jar and its own dependency jars; each gets its own
 * {@link ModuleLayer} (one class loader) whose parent is the boot layer, as Trino loads its
 * plugins, so plugins cannot see each other.
 *
 * <p>Isolation holds by construction: core exports its packages only to Cocoon's own modules,
 * and a plugin module that {@code requires} anything but {@code io.cocoon.spi}, the JDK and the
 * jars of its own folder is refused before it is resolved. The SPI version it was compiled
 * against (javac records it in {@code requires io.cocoon.spi@1.1}) must have the running SPI's
 * major version and no newer minor one. A plugin that fails any check is recorded as a
 * {@link Problem}, one line, never fatal. Loading is lazy: commands that need no driver never
 * pay for the scan.
 */
public final class PluginRegistry {
    public static final Path SYSTEM_PLUGINS = Path.of("/usr/lib/cocoon/plugins");
    static final String SPI_MODULE = "io.cocoon.spi";

    /**
     * One loaded provider, for {@code cocoon plugins} and {@code cocoon features}.
     *
     * @param spiVersion the SPI version it was built against, or {@code ?} when it does not say
     */
    public record PluginInfo(String kind, String name, String module, String version, String location, String description,
                             String spiVersion) {}

    /** A plugin that could not be loaded, and why (one line). */
    public record Problem(String location, String message) {}

    private final List<Hypervisor> hypervisors = new ArrayList<>();
    private final List<NetworkProvider> networks = new ArrayList<>();
    private final List<StorageProvider> storages = new ArrayList<>();
    private final List<SpecHandler> handlers = new ArrayList<>();
    private final List<PluginInfo> infos = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    private PluginRegistry() {}

    /** The default directories: {@code <home>/plugins} and {@code /usr/lib/cocoon/plugins}. */
    public static List<Path> defaultDirs() {
        return List.of(CocoonHome.get().resolve("plugins"), SYSTEM_PLUGINS);
    }

    public static PluginRegistry load() {
        return load(defaultDirs());
    }

    public static PluginRegistry load(List<Path> dirs) {
        PluginRegistry r = new PluginRegistry();
        r.loadBuiltIn();
        for (Path d : dirs) r.loadDir(d);
        return r;
    }

    private void loadBuiltIn() {
        ClassLoader cl = PluginRegistry.class.getClassLoader();
        addAll(ServiceLoader.load(Hypervisor.class, cl).stream().map(ServiceLoader.Provider::get).toList(), null);
        addAll(ServiceLoader.load(NetworkProvider.class, cl).stream().map(ServiceLoader.Provider::get).toList(), null);
        addAll(ServiceLoader.load(StorageProvider.class, cl).stream().map(ServiceLoader.Provider::get).toList(), null);
        addAll(ServiceLoader.load(SpecHandler.class, cl).stream().map(ServiceLoader.Provider::get).toList(), null);
    }

    /** Every {@code *.jar} is a plugin, and every folder with jars in it is one plugin, in name order. */
    private void loadDir(Path dir) {
        if (!Files.isDirectory(dir)) return;
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar")) entries.add(p);
            }
        } catch (IOException e) {
            problems.add(new Problem(dir.toString(), "cannot list: " + e.getMessage()));
            return;
        }
        entries.sort(null);
        for (Path p : entries) {
            if (!Files.isDirectory(p)) {
                loadPlugin(p, List.of(p));
                continue;
            }
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.jar")) {
                ds.forEach(jars::add);
            } catch (IOException e) {
                problems.add(new Problem(p.toString(), "cannot list: " + e.getMessage()));
                continue;
            }
            if (!jars.isEmpty()) loadPlugin(p, jars);
        }
    }

    /** Loads one plugin (a jar, or a folder of jars) into a layer of its own. */
    private void loadPlugin(Path location, List<Path> jars) {
        try {
            ModuleFinder finder = ModuleFinder.of(jars.toArray(Path[]::new));
            Set<ModuleReference> refs = finder.findAll();
            if (refs.isEmpty()) throw new IllegalStateException("not a module or plugin jar");
            Set<String> names = refs.stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
            for (String n : names) {
                if (ModuleLayer.boot().findModule(n).isPresent()) {
                    throw new IllegalStateException("module " + n + " is already part of the image");
                }
            }
            String spi = "?";
            for (ModuleReference r : refs) {
                checkRequires(r.descriptor(), names);
                Optional<String> built = spiVersion(r.descriptor());
                if (built.isPresent()) spi = built.get();
            }
            ModuleLayer parent = ModuleLayer.boot();
            Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), names);
            ModuleLayer layer = parent.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
            int before = infos.size();
            addAll(fromLayer(layer, Hypervisor.class), location, spi);
            addAll(fromLayer(layer, NetworkProvider.class), location, spi);
            addAll(fromLayer(layer, StorageProvider.class), location, spi);
            addAll(fromLayer(layer, SpecHandler.class), location, spi);
            if (infos.size() == before) problems.add(new Problem(location.toString(), "provides no Cocoon driver or spec handler"));
        } catch (RuntimeException | LinkageError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            problems.add(new Problem(location.toString(), msg.lines().findFirst().orElse(msg)));
        }
    }

    /**
     * A plugin sees the SPI, the JDK and its own jars: requiring core, the CLI, the monitor or
     * any other module of the image is refused, naming the module.
     */
    static void checkRequires(ModuleDescriptor d, Set<String> ownModules) {
        for (ModuleDescriptor.Requires r : d.requires()) {
            String n = r.name();
            if (n.equals(SPI_MODULE) || n.startsWith("java.") || n.startsWith("jdk.") || ownModules.contains(n)) continue;
            throw new IllegalStateException("module " + d.name() + " requires " + n
                    + ": a plugin may require only io.cocoon.spi, the JDK and jars in its own folder");
        }
        spiVersion(d).ifPresent(v -> {
            if (!compatible(v, SpiVersion.VERSION)) {
                throw new IllegalStateException("module " + d.name() + " was built against SPI " + v + ", this Cocoon has SPI "
                        + SpiVersion.VERSION + " (same major version, same or older minor version needed)");
            }
        });
    }

    /** The SPI version javac recorded in the plugin's {@code requires io.cocoon.spi}. */
    static Optional<String> spiVersion(ModuleDescriptor d) {
        return d.requires().stream().filter(r -> r.name().equals(SPI_MODULE)).findFirst().flatMap(ModuleDescriptor.Requires::rawCompiledVersion);
    }

    /** Built against {@code built}, running with {@code running}: same major, minor not newer. */
    static boolean compatible(String built, String running) {
        int[] b = majorMinor(built);
        int[] r = majorMinor(running);
        return b != null && r != null && b[0] == r[0] && b[1] <= r[1];
    }

    private static int[] majorMinor(String v) {
        String[] f = v.split("[.\\-+]");
        try {
            return new int[] {Integer.parseInt(f[0]), f.length > 1 ? Integer.parseInt(f[1]) : 0};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static <T> List<T> fromLayer(ModuleLayer layer, Class<T> type) {
        return ServiceLoader.load(layer, type).stream()
                .filter(p -> p.type().getModule().getLayer() == layer)
                .map(ServiceLoader.Provider::get)
                .toList();
    }

    private void addAll(List<?> providers, Path location) {
        addAll(providers, location, SpiVersion.VERSION);
    }

    private void addAll(List<?> providers, Path location, String spi) {
        for (Object p : providers) {
            String kind;
            String name;
            String description;
            if (p instanceof Hypervisor h) { hypervisors.add(h); kind = "hypervisor"; }
            else if (p instanceof NetworkProvider n) { networks.add(n); kind = "network"; }
            else if (p instanceof StorageProvider s) { storages.add(s); kind = "storage"; }
            else if (p instanceof SpecHandler s) { handlers.add(s); kind = "spec-handler"; }
            else continue;
            if (p instanceof Driver d) { name = d.name(); description = d.description(); }
            else { name = ((SpecHandler) p).section(); description = "handles " + name; }
            Module m = p.getClass().getModule();
            String module = m.isNamed() ? m.getName() : "(class path)";
            String version = Optional.ofNullable(m.getDescriptor()).flatMap(ModuleDescriptor::rawVersion)
                    .or(() -> Optional.ofNullable(p.getClass().getPackage().getImplementationVersion())).orElse("-");
            if (location == null && m.getDescriptor() != null) spi = spiVersion(m.getDescriptor()).orElse(spi);
            infos.add(new PluginInfo(kind, name, module, version, location != null ? location.toString() : "image", description, spi));
        }
    }

    public List<Hypervisor> hypervisors() { return hypervisors; }
    public List<NetworkProvider> networks() { return networks; }
    public List<StorageProvider> storages() { return storages; }
    public List<SpecHandler> specHandlers() { return handlers; }
    public List<PluginInfo> infos() { return infos; }
    public List<Problem> problems() { return problems; }

    public Optional<Hypervisor> hypervisor(String name) {
        return hypervisors.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}
