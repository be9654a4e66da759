package io.cocoon.hypervisor.xen;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Xen domains through the {@code xl} command line only (RunX's approach): no libxl bindings and
 * no build-time dependency on Xen. The domain config is generated from the plan
 * ({@link XlConfig}), kept in the state directory, and run by {@code xl create -F}
 * ({@link XenDomain}). The {@code xl} binary is the plan's hypervisor path, else
 * {@code /usr/sbin/xl}.
 */
public final class XenXl implements Hypervisor {
    public static final String NAME = "xen-xl";
    static final Path XL = Path.of("/usr/sbin/xl");
    static final Path CAPABILITIES = Path.of("/proc/xen/capabilities");

    private final Path capabilities;

    public XenXl() {
        this(CAPABILITIES);
    }

    /** With another capabilities file: tests run a fake xl on a host that is no dom0. */
    XenXl(Path capabilities) {
        this.capabilities = capabilities;
    }

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "Xen PVH domains through the xl toolstack";
    }

    @Override
    public Set<Feature> features() {
        return EnumSet.of(Feature.PAUSE, Feature.SHARED_FS_9P, Feature.DISK, Feature.MAKES_NICS);
    }

    /** Xen's 9pfs frontend ({@code p9 = [...]} exports). */
    @Override
    public String shareTransport() { return "xen"; }

    @Override
    public List<HostCheck> check() {
        boolean xl = Files.isExecutable(XL);
        if (!xl) return List.of(HostCheck.warn("xl", "not installed; the xen-xl driver is unavailable").withFix("apt-get install xen-utils-4.17 and boot this host as a Xen dom0 (only needed for the xen-xl driver)"));
        if (!isDom0()) return List.of(HostCheck.warn("xl", XL + " present, but this host is not a Xen dom0").withFix("boot the host under Xen (apt-get install xen-system-amd64, reboot into the Xen entry); qemu-lite works without it"));
        return List.of(HostCheck.ok("xl", XL + " on a Xen dom0"));
    }

    boolean isDom0() {
        try {
            return Files.readString(capabilities).contains("control_d");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Vm launch(VmPlan plan) {
        Path xl = plan.hypervisorPath() != null ? plan.hypervisorPath() : XL;
        if (!Files.isExecutable(xl)) throw new CocoonException("xen-xl: xl not found at " + xl + ": install xen-utils-4.17, or set the hypervisor path");
        if (!isDom0()) throw new CocoonException("xen-xl: this host is not a Xen dom0 (" + capabilities + " does not say control_d): boot it under Xen, or use qemu-lite");
        return XenDomain.create(new Xl(xl), plan);
    }

    @Override
    public void cleanup(Path stateDir) {
        // a domain left by a killed monitor: destroyed by the name its launch recorded
        Path f = stateDir.resolve("xen.domain");
        if (!Files.exists(f)) return;
        try {
            List<String> l = Files.readAllLines(f);
            String name = l.isEmpty() ? "" : l.get(0).strip();
            Xl xl = new Xl(l.size() > 1 ? Path.of(l.get(1).strip()) : XL);
            if (!Files.isExecutable(xl.path())) return;
            if (!name.isEmpty() && xl.tryRun("domid", name).rc() == 0) xl.tryRun("destroy", name);
        } catch (IOException | CocoonException e) {
            // nothing more can be done here; doctor lists domains named cocoon-*
        }
    }
}
