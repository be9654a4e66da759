package io.cocoon.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds a configuration file (vm.json, hypervisor.args) along cc-oci-runtime's search path:
 * the bundle, then {@code /etc/cocoon}, then {@code <home>/share/defaults/cocoon}. The first hit
 * wins and is logged by the caller.
 */
public final class ConfigLocator implements Function<String, Optional<Path>> {
    private final List<Path> dirs;

    public ConfigLocator(Path bundle) {
        this(List.of(bundle, Path.of("/etc/cocoon"), CocoonHome.defaults()));
    }

    public ConfigLocator(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    public List<Path> dirs() {
        return dirs;
    }

    @Override
    public Optional<Path> apply(String name) {
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** All places a file is looked up, for error messages and {@code doctor}. */
    public List<Path> candidates(String name) {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) out.add(d.resolve(name));
        return out;
    }
}
