package io.cocoon.hypervisor.xen;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hotplug script of a domain's vifs, kept as {@code xen-vif} in the state directory and named
 * by every {@code vif = [...]} entry ({@code script=}). Xen's netback makes each vif
 * ({@code vifD.N}) in dom0's root network namespace when the domain is created, and libxl runs
 * the vif's script with {@code online} and the environment {@code vif} (its name) and
 * {@code XENBUS_PATH} ({@code backend/vif/D/N}). Instead of Xen's {@code vif-bridge}, this one
 * puts vif N where the network driver planned NIC N: moves it into the container's network
 * namespace, renames it to the planned tap name, and reports it to netback as connected
 * ({@code hotplug-status}, without which netback never connects the guest's netfront). The
 * network driver then joins it to the namespace's interface as it would a tap
 * ({@code NetworkProvider.joinNics}). {@code offline} does nothing: the vif goes with the domain.
 */
final class VifScript {
    static final String FILE = "xen-vif";

    private VifScript() {}

    /** The NICs of a plan, in order: vif N is {@code taps().get(N)}. */
    static List<VmDevice.NetTap> taps(VmPlan p) {
        List<VmDevice.NetTap> out = new ArrayList<>();
        for (VmDevice d : p.devices()) if (d instanceof VmDevice.NetTap t) out.add(t);
        return out;
    }

    /**
     * The tools the script runs, by absolute path: a busybox {@code sh} (a minimal dom0's, the
     * lab's) runs its own applets before any {@code PATH} lookup, and busybox's {@code ip} knows
     * no namespace but a pid.
     */
    record Tools(Path nsenter, Path ip, Path xenstoreWrite) {
        static final List<Path> DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

        /** Found in the usual directories; one line naming what is missing. */
        static Tools find() {
            return new Tools(find("nsenter", "util-linux"), find("ip", "iproute2"), find("xenstore-write", "xenstore-utils"));
        }

        private static Path find(String tool, String pkg) {
            for (Path d : DIRS) {
                Path f = d.resolve(tool);
                // busybox's applets are symlinks to busybox: not the tools the script needs
                if (Files.isExecutable(f) && !resolvesToBusybox(f)) return f;
            }
            throw new CocoonException("xen-xl: " + tool + " not found in " + DIRS + " (a vif's hotplug script needs it): install " + pkg);
        }

        private static boolean resolvesToBusybox(Path f) {
            try {
                return f.toRealPath().getFileName().toString().startsWith("busybox");
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The script for this plan, or null when it has no NIC. */
    static String render(VmPlan p, Tools t) {
        List<VmDevice.NetTap> taps = taps(p);
        if (taps.isEmpty()) return null;
        if (p.netns() == null) throw new CocoonException("xen-xl: the plan has NICs but no network namespace to put them in");
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# The vif hotplug script of Cocoon's container ").append(oneLine(p.id())).append(" (xen-xl, docs/xen.md):\n");
        s.append("# moves vif N into the container's network namespace under NIC N's planned name.\n");
        s.append("ns=").append(sq(p.netns().toString())).append('\n');
        s.append("case \"$1\" in online) ;; *) exit 0 ;; esac\n");
        s.append("case \"${XENBUS_PATH##*/}\" in\n");
        for (int i = 0; i < taps.size(); i++) s.append("  ").append(i).append(") name=").append(sq(taps.get(i).tap())).append(" ;;\n");
        s.append("  *) echo \"cocoon: no NIC planned for $XENBUS_PATH\" >&2; exit 1 ;;\n");
        s.append("esac\n");
        String nsenter = sq(t.nsenter().toString()), ip = sq(t.ip().toString());
        // netback made the vif in the root namespace, pid 1's; ip(8) takes the target by path
        s.append(nsenter).append(" --net=/proc/1/ns/net ").append(ip).append(" link set dev \"$vif\" netns \"$ns\" || exit 1\n");
        s.append(nsenter).append(" --net=\"$ns\" ").append(ip).append(" link set dev \"$vif\" name \"$name\" || exit 1\n");
        s.append(sq(t.xenstoreWrite().toString())).append(" \"$XENBUS_PATH/hotplug-status\" connected\n");
        return s.toString();
    }

    /** A shell word in single quotes. */
    static String sq(String v) {
        if (v.indexOf('\n') >= 0) throw new CocoonException("xen-xl: a newline cannot be in a hotplug script value: " + oneLine(v));
        return "'" + v.replace("'", "'\\''") + "'";
    }

    private static String oneLine(String v) {
        return v.replace("\n", "\\n");
    }
}
