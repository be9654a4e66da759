package io.cocoon.hypervisor.xen;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code xl} domain configuration of a plan (xl.cfg(5)), kept as {@code xl.cfg} in the state
 * directory. PVH by default ({@code io.cocoon.xen.type=pv} for kernels without PVH); the guest
 * console is {@code hvc0}; the agent channel is a PV channel whose backend (QEMU in dom0) listens
 * on the plan's agent socket, so the monitor connects to it exactly as to QEMU's virtio-serial
 * socket; shares are Xen 9pfs exports; NICs are vifs with the planned MACs, whose hotplug script
 * ({@link VifScript}) puts them in the container's network namespace; every exit destroys the
 * domain, as the container is gone.
 */
final class XlConfig {
    /** The channel's name, as the guest sees it in xenstore: the agent opens the first channel console. */
    static final String AGENT_CHANNEL = "org.cocoon.agent.0";

    /**
     * A channel that only takes console device 0. xl 4.17 numbers channels from 0, but libxl puts
     * channel N on console device N ({@code device/console/N}), and device 0 is the primary
     * console: libxl refuses a named console there ("Primary console has invalid
     * configuration") and goes on without it, so a lone channel never reaches the guest. With
     * this one first, the agent's channel is console device 1, the guest's {@code /dev/hvc1}.
     */
    static final String PLACEHOLDER_CHANNEL = "name=org.cocoon.placeholder,connection=pty";

    private XlConfig() {}

    /** The domain name: unique per container, short (xl allows 64 bytes). */
    static String domainName(String id) {
        return "cocoon-" + (id.length() <= 40 ? id : id.substring(0, 40));
    }

    static String render(VmPlan p) {
        List<String> l = new ArrayList<>();
        String type = p.annotations().getOrDefault("io.cocoon.xen.type", "pvh");
        if (!type.equals("pvh") && !type.equals("pv")) {
            throw new CocoonException("xen-xl: io.cocoon.xen.type must be pvh or pv, not \"" + type + "\"");
        }
        l.add("name = " + q(domainName(p.id())));
        l.add("uuid = " + q(p.uuid()));
        l.add("type = " + q(type));
        l.add("kernel = " + q(p.kernel().toString()));
        if (p.initrd() != null) l.add("ramdisk = " + q(p.initrd().toString()));
        List<String> params = new ArrayList<>(p.kernelParams());
        params.removeIf(s -> s.startsWith("console=") || s.startsWith("cocoon.channel="));
        params.add("console=hvc0");
        // the agent channel is the domain's first PV channel, the guest's second console
        params.add("cocoon.channel=hvc:/dev/hvc1");
        l.add("cmdline = " + q(String.join(" ", params)));
        l.add("memory = " + p.memoryMiB());
        l.add("maxmem = " + p.memoryMiB());
        l.add("vcpus = " + p.vcpus());
        l.add("on_poweroff = \"destroy\"");
        l.add("on_reboot = \"destroy\"");
        l.add("on_crash = \"destroy\"");
        List<String> p9 = new ArrayList<>(), disks = new ArrayList<>(), vifs = new ArrayList<>();
        char vdev = 'a';
        for (VmDevice d : p.devices()) {
            if (d instanceof VmDevice.Share s) {
                p9.add("tag=" + s.tag() + ",security_model=passthrough,path=" + s.hostPath());
                if (s.readonly()) {
                    throw new CocoonException("xen-xl: Xen 9pfs exports cannot be read-only; share " + s.tag() + " asked for one");
                }
            } else if (d instanceof VmDevice.Disk k) {
                disks.add("format=" + k.format() + ",vdev=xvd" + vdev++ + ",access=" + (k.readonly() ? "ro" : "rw") + ",target=" + k.path());
            } else if (d instanceof VmDevice.NetTap t) {
                // netback makes the vif; its script puts it where the network driver planned the tap
                Path script = p.stateDir().resolve(VifScript.FILE);
                if (script.toString().indexOf(',') >= 0) throw new CocoonException("xen-xl: a vif's script path cannot hold a comma: " + script);
                vifs.add("mac=" + t.mac() + ",script=" + script);
            }
        }
        if (!p9.isEmpty()) l.add("p9 = " + list(p9));
        if (!disks.isEmpty()) l.add("disk = " + list(disks));
        if (!vifs.isEmpty()) l.add("vif = " + list(vifs));
        l.add("channel = " + list(List.of(PLACEHOLDER_CHANNEL, "name=" + AGENT_CHANNEL + ",connection=socket,path=" + p.agentSocket())));
        for (String extra : p.hypervisorParams()) l.add(extra);
        return String.join("\n", l) + "\n";
    }

    /** An xl.cfg string: double quotes, backslash and quote escaped. */
    static String q(String s) {
        if (s.indexOf('\n') >= 0) throw new CocoonException("xen-xl: a newline cannot be in a domain config value: " + s.replace("\n", "\\n"));
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String list(List<String> items) {
        List<String> q = new ArrayList<>();
        for (String i : items) q.add(q(i));
        return "[ " + String.join(", ", q) + " ]";
    }
}
