package io.cocoon.core.plugin;

import io.cocoon.core.config.CocoonHome;
import io.cocoon.spi.Driver;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.SpecHandler;
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
 * Finds drivers: those linked into the image (or on the module/class path) and those in jars
 * dropped into {@code <home>/plugins/} and {@code /usr/lib/cocoon/plugins/}, each jar in its
 * own {@link ModuleLayer} so plugins cannot see each other. A jar that fails to load is
 * recorded as a {@link Problem}, never fatal. Loading is lazy: commands that need no driver
 * never pay for the scan.
 */
public final class PluginRegistry {
    public static final Path SYSTEM_PLUGINS = Path.of("/usr/lib/cocoon/plugins");

    /** One loaded provider, for {@code cocoon plugins} and {@code cocoon features}. */
    public record PluginInfo(String kind, String name, String module, String version, String location, String description) {}

    /** A jar that could not be loaded, and why. */
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

    private void loadDir(Path dir) {
        if (!Files.isDirectory(dir)) return;
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
            ds.forEach(jars::add);
        } catch (IOException e) {
            problems.add(new Problem(dir.toString(), "cannot list: " + e.getMessage()));
            return;
        }
        jars.sort(null);
        for (Path jar : jars) loadJar(jar);
    }

    private void loadJar(Path jar) {
        try {
            ModuleFinder finder = ModuleFinder.of(jar);
            Set<ModuleReference> refs = finder.findAll();
            if (refs.isEmpty()) throw new IllegalStateException("not a module or plugin jar");
            Set<String> names = refs.stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
            for (String n : names) {
                if (ModuleLayer.boot().findModule(n).isPresent()) {
                    throw new IllegalStateException("module " + n + " is already part of the image");
                }
            }
            ModuleLayer parent = ModuleLayer.boot();
            Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), names);
            ModuleLayer layer = parent.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
            int before = infos.size();
            addAll(fromLayer(layer, Hypervisor.class), jar);
            addAll(fromLayer(layer, NetworkProvider.class), jar);
            addAll(fromLayer(layer, StorageProvider.class), jar);
            addAll(fromLayer(layer, SpecHandler.class), jar);
            if (infos.size() == before) problems.add(new Problem(jar.toString(), "provides no Cocoon driver or spec handler"));
        } catch (RuntimeException | LinkageError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            problems.add(new Problem(jar.toString(), msg.lines().findFirst().orElse(msg)));
        }
    }

    private static <T> List<T> fromLayer(ModuleLayer layer, Class<T> type) {
        return ServiceLoader.load(layer, type).stream()
                .filter(p -> p.type().getModule().getLayer() == layer)
                .map(ServiceLoader.Provider::get)
                .toList();
    }

    private void addAll(List<?> providers, Path jar) {
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
            String location = jar != null ? jar.toString() : "image";
            infos.add(new PluginInfo(kind, name, module, version, location, description));
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
