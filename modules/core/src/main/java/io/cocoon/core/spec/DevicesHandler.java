package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.util.List;

/**
 * {@code linux.devices}: each entry becomes a node the agent creates in the container (type,
 * major:minor, mode, owner), as runc creates them: the numbers name devices of the guest
 * kernel, so a node for a device the VM does not have exists but cannot be opened (ENXIO),
 * which is what runc gives for an absent host device too. Allowing them in the container's
 * device cgroup is {@code linux.resources.devices}' business, plus runc's implicit allow of the
 * listed nodes (added by the agent).
 */
public final class DevicesHandler implements SpecHandler {
    private static final List<String> TYPES = List.of("c", "b", "u", "p");

    @Override public String section() { return "linux.devices"; }
    @Override public int order() { return 210; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        if (spec.linux() == null) return;
        for (int i = 0; i < spec.linux().devices().size(); i++) {
            Linux.Device d = spec.linux().devices().get(i);
            String path = "linux.devices[" + i + "]";
            if (d.path() == null || !d.path().startsWith("/")) throw new SpecException(path + ".path", "must be an absolute path");
            if (List.of(d.path().split("/")).contains("..")) throw new SpecException(path + ".path", "must not contain ..");
            if (!TYPES.contains(d.type())) throw new SpecException(path + ".type", "must be one of c, b, u, p");
            if (!d.type().equals("p") && (d.major() == null || d.minor() == null)) {
                throw new SpecException(path, "a " + d.type() + " device needs major and minor");
            }
            plan.devices().add(d);
        }
    }
}
