package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Runs core's handlers and any plugin handlers, in {@link SpecHandler#order()} order. */
public final class SpecPipeline {
    private final List<SpecHandler> handlers;

    public SpecPipeline(List<SpecHandler> pluginHandlers) {
        List<SpecHandler> all = new ArrayList<>(coreHandlers());
        all.addAll(pluginHandlers);
        all.sort(Comparator.comparingInt(SpecHandler::order));
        this.handlers = List.copyOf(all);
    }

    public static List<SpecHandler> coreHandlers() {
        return List.of(new RootHandler(), new ProcessHandler(), new MountsHandler(), new NamespacesHandler(),
                new HostnameHandler(), new HooksHandler(), new VmHandler(), new ResourcesHandler(), new DevicesHandler(),
                new SysctlHandler(), new SeccompHandler(), new PathsHandler(), new AnnotationsHandler());
    }

    public List<SpecHandler> handlers() {
        return handlers;
    }

    public SandboxPlan plan(String id, Path bundle, Spec spec, Function<String, Optional<Path>> locator) {
        SandboxPlan plan = new SandboxPlan(id, bundle, locator);
        for (SpecHandler h : handlers) h.apply(spec, plan);
        return plan;
    }
}
