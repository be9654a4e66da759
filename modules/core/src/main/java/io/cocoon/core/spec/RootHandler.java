package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code root}: the rootfs directory, resolved against the bundle, must exist. */
public final class RootHandler implements SpecHandler {
    @Override public String section() { return "root"; }
    @Override public int order() { return 100; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        plan.ociVersion(spec.ociVersion());
        if (spec.root() == null) throw new SpecException("root", "is required");
        String p = spec.root().path();
        if (p.isEmpty()) throw new SpecException("root.path", "must not be empty");
        Path rootfs = plan.bundle().resolve(p).normalize();
        if (!Files.isDirectory(rootfs)) {
            throw new SpecException("root.path", rootfs + (Files.exists(rootfs) ? " is not a directory" : " does not exist"));
        }
        plan.rootfs(rootfs);
        plan.rootReadonly(spec.root().readonly());
    }
}
