package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;

/** {@code hostname}, {@code domainname}: like runc, they need a private uts namespace. */
public final class HostnameHandler implements SpecHandler {
    @Override public String section() { return "hostname"; }
    @Override public int order() { return 160; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        boolean uts = spec.linux() != null
                && spec.linux().namespaces().stream().map(Linux.Namespace::type).anyMatch("uts"::equals);
        check(spec.hostname(), "hostname", uts);
        check(spec.domainname(), "domainname", uts);
        plan.hostname(spec.hostname());
        plan.domainname(spec.domainname());
    }

    private static void check(String value, String path, boolean uts) {
        if (value == null || value.isEmpty()) return;
        if (!uts) throw new SpecException(path, "cannot be set without a private uts namespace in linux.namespaces");
        if (value.length() > 64) throw new SpecException(path, "must be at most 64 characters");
    }
}
