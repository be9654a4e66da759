package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mounts}: destinations must be absolute; bind sources must exist on the host (they
 * become shares). A v1 {@code cgroup} mount becomes {@code cgroup2}: the guest runs cgroup v2.
 */
public final class MountsHandler implements SpecHandler {
    @Override public String section() { return "mounts"; }
    @Override public int order() { return 120; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        List<Spec.Mount> out = new ArrayList<>();
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            String path = "mounts[" + i + "]";
            if (!m.destination().startsWith("/")) throw new SpecException(path + ".destination", "must be an absolute path");
            if (m.isBind()) {
                if (m.source() == null || m.source().isEmpty()) throw new SpecException(path + ".source", "is required for a bind mount");
                Path src = plan.bundle().resolve(m.source()).normalize();
                if (!Files.exists(src)) throw new SpecException(path + ".source", src + " does not exist");
                m = new Spec.Mount(m.destination(), m.type() == null ? "bind" : m.type(), src.toString(), m.options());
            } else if ("cgroup".equals(m.type())) {
                m = new Spec.Mount(m.destination(), "cgroup2", "cgroup2", m.options());
            }
            out.add(m);
        }
        plan.mounts().addAll(out);
    }
}
