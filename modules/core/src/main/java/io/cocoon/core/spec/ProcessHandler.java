package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;
import java.util.List;

/**
 * {@code process}: required for create; capability and rlimit names are checked here so a
 * typo fails at create rather than silently inside the guest.
 */
public final class ProcessHandler implements SpecHandler {
    @Override public String section() { return "process"; }
    @Override public int order() { return 110; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        Spec.Process p = spec.process();
        if (p == null) throw new SpecException("process", "is required");
        validate(p, "process", plan);
        plan.process(p);
    }

    /** Shared with {@code exec --process}, whose paths start at the document root. */
    public static void validate(Spec.Process p, String base, SandboxPlan planOrNull) {
        if (p.args().isEmpty()) throw new SpecException(base + ".args", "must be a non-empty array");
        if (p.args().get(0).isEmpty()) throw new SpecException(base + ".args[0]", "must not be empty");
        Spec.Capabilities c = p.capabilities();
        checkCaps(c.bounding(), base + ".capabilities.bounding", planOrNull);
        checkCaps(c.effective(), base + ".capabilities.effective", planOrNull);
        checkCaps(c.inheritable(), base + ".capabilities.inheritable", planOrNull);
        checkCaps(c.permitted(), base + ".capabilities.permitted", planOrNull);
        checkCaps(c.ambient(), base + ".capabilities.ambient", planOrNull);
        for (int i = 0; i < p.rlimits().size(); i++) {
            Spec.Rlimit r = p.rlimits().get(i);
            String path = base + ".rlimits[" + i + "]";
            if (!LinuxNames.RLIMITS.containsKey(r.type())) throw new SpecException(path + ".type", "unknown rlimit \"" + r.type() + "\"");
            if (Long.compareUnsigned(r.soft(), r.hard()) > 0) throw new SpecException(path + ".soft", "must not exceed hard");
        }
        if (planOrNull != null) {
            if (p.apparmorProfile() != null && !p.apparmorProfile().isEmpty()) {
                planOrNull.warn(base + ".apparmorProfile", "AppArmor is not available in the guest; ignored");
            }
            if (p.selinuxLabel() != null && !p.selinuxLabel().isEmpty()) {
                planOrNull.warn(base + ".selinuxLabel", "SELinux is not available in the guest; ignored");
            }
        }
    }

    private static void checkCaps(List<String> names, String path, SandboxPlan plan) {
        for (int i = 0; i < names.size(); i++) {
            if (!LinuxNames.CAPABILITIES.containsKey(names.get(i))) {
                // runc >= 1.1 ignores capabilities the kernel does not know, with a warning; so do we.
                if (plan != null) plan.warn(path + "[" + i + "]", "unknown capability " + names.get(i) + " ignored");
            }
        }
    }
}
