package io.cocoon.hypervisor.xen;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Xen domains through {@code xl} (RunX's approach). Discovery and host checks work today; booting
 * domains is the Xen issue's work, and until then {@link #launch} refuses in one line.
 */
public final class XenXl implements Hypervisor {
    public static final String NAME = "xen-xl";
    static final Path XL = Path.of("/usr/sbin/xl");

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "Xen PVH domains through the xl toolstack";
    }

    @Override
    public Set<Feature> features() {
        return EnumSet.of(Feature.PAUSE, Feature.SHARED_FS_9P, Feature.NET_TAP, Feature.DISK);
    }

    @Override
    public List<HostCheck> check() {
        boolean xl = Files.isExecutable(XL);
        boolean dom0 = Files.exists(Path.of("/proc/xen/capabilities"));
        if (!xl) return List.of(HostCheck.warn("xl", "not installed; the xen-xl driver is unavailable").withFix("apt-get install xen-utils-4.17 and boot this host as a Xen dom0 (only needed for the xen-xl driver)"));
        if (!dom0) return List.of(HostCheck.warn("xl", XL + " present, but this host is not a Xen dom0").withFix("boot the host under Xen (apt-get install xen-system-amd64, reboot into the Xen entry); qemu-lite works without it"));
        return List.of(HostCheck.ok("xl", XL + " on a Xen dom0"));
    }

    @Override
    public Vm launch(VmPlan plan) {
        throw new CocoonException("xen-xl: booting Xen domains is not available in this version; use the qemu-lite hypervisor");
    }

    @Override
    public void cleanup(Path stateDir) {
        // launch never creates a domain yet, so there is nothing to destroy
    }
}
