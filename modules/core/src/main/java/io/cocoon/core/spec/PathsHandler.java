package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;
import java.util.List;

/** {@code linux.maskedPaths}, {@code linux.readonlyPaths}, {@code linux.rootfsPropagation}. */
public final class PathsHandler implements SpecHandler {
    private static final List<String> PROPAGATION = List.of("", "private", "rprivate", "slave", "rslave", "shared",
            "rshared", "unbindable", "runbindable");

    @Override public String section() { return "linux.maskedPaths"; }
    @Override public int order() { return 240; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        if (spec.linux() == null) return;
        check(spec.linux().maskedPaths(), "linux.maskedPaths");
        check(spec.linux().readonlyPaths(), "linux.readonlyPaths");
        plan.maskedPaths().addAll(spec.linux().maskedPaths());
        plan.readonlyPaths().addAll(spec.linux().readonlyPaths());
        String prop = spec.linux().rootfsPropagation();
        if (prop != null && !PROPAGATION.contains(prop)) {
            throw new SpecException("linux.rootfsPropagation", "unknown propagation \"" + prop + "\"");
        }
        plan.rootfsPropagation(prop);
        plan.cgroupsPath(spec.linux().cgroupsPath());
        if (spec.linux().mountLabel() != null && !spec.linux().mountLabel().isEmpty()) {
            plan.warn("linux.mountLabel", "SELinux labels are not applied in the guest");
        }
    }

    private static void check(List<String> paths, String path) {
        for (int i = 0; i < paths.size(); i++) {
            if (!paths.get(i).startsWith("/")) throw new SpecException(path + "[" + i + "]", "must be an absolute path");
        }
    }
}
