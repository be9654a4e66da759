package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;

/**
 * {@code hooks}: all run on the host, at the points runtime-spec names. {@code createContainer}
 * and {@code startContainer} are meant for the container's namespaces, which live in the guest;
 * Cocoon runs them on the host with the same state on stdin (see docs/compatibility.md).
 */
public final class HooksHandler implements SpecHandler {
    @Override public String section() { return "hooks"; }
    @Override public int order() { return 170; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        plan.hooks(spec.hooks());
        if (!spec.hooks().createContainer().isEmpty()) {
            plan.warn("hooks.createContainer", "runs on the host, not in the container's namespaces");
        }
        if (!spec.hooks().startContainer().isEmpty()) {
            plan.warn("hooks.startContainer", "runs on the host, not in the container's namespaces");
        }
    }
}
