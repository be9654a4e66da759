package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.util.Set;

/**
 * {@code linux.devices}: the guest has its own /dev (devtmpfs); the standard nodes exist there.
 * Other host devices cannot appear in a VM without passthrough, so they are reported, not faked.
 */
public final class DevicesHandler implements SpecHandler {
    /** The nodes the agent creates in a container's /dev (runc's default set) plus ptmx. */
    private static final Set<String> GUEST_HAS = Set.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random",
            "/dev/urandom", "/dev/tty", "/dev/ptmx");

    @Override public String section() { return "linux.devices"; }
    @Override public int order() { return 210; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        if (spec.linux() == null) return;
        for (int i = 0; i < spec.linux().devices().size(); i++) {
            Linux.Device d = spec.linux().devices().get(i);
            if (!GUEST_HAS.contains(d.path())) {
                plan.warn("linux.devices[" + i + "]", d.path() + " is a host device and is not passed into the VM");
            }
        }
    }
}
