package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code linux.sysctl}: written in the guest, whose kernel belongs to this container alone, so
 * unlike runc no key needs a namespace of its own; keys must still look like sysctl names.
 */
public final class SysctlHandler implements SpecHandler {
    private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9_\\-]+([./][a-zA-Z0-9_\\-*]+)+");

    @Override public String section() { return "linux.sysctl"; }
    @Override public int order() { return 220; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        if (spec.linux() == null) return;
        for (Map.Entry<String, String> e : spec.linux().sysctl().entrySet()) {
            if (!KEY.matcher(e.getKey()).matches() || e.getKey().contains("..")) {
                throw new SpecException("linux.sysctl." + e.getKey(), "is not a sysctl name");
            }
            plan.sysctl().put(e.getKey(), e.getValue());
        }
    }
}
