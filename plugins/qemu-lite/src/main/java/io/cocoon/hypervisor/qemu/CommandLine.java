package io.cocoon.hypervisor.qemu;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds QEMU's argv for a {@link VmPlan}: a {@code microvm} with PVH boot of the kernel ELF,
 * no firmware, no ACPI, virtio-mmio devices, QMP, the agent on a virtio-serial port, 9p shares,
 * taps and disks. With a cc-oci-runtime {@code hypervisor.args} template, the template drives
 * the command line and only what it leaves out (agent port, QMP, extra shares) is appended.
 */
final class CommandLine {
    static final String AGENT_PORT = "io.cocoon.agent";
    /** 9p msize: 512 KiB measured best here (see docs/performance.md). */
    static final int MSIZE = 524288;
    private static final Pattern TAG = Pattern.compile("@([A-Z_]+)@");

    private CommandLine() {}

    static Path qmpSocket(VmPlan p) {
        return p.agentSocket().resolveSibling("qmp.sock");
    }

    static Path pidFile(VmPlan p) {
        return p.stateDir().resolve("qemu.pid");
    }

    static List<String> kernelParams(VmPlan p, String accel) {
        List<String> k = new ArrayList<>(List.of("console=ttyS0", "reboot=t", "panic=-1", "quiet", "8250.nr_uarts=1",
                "cryptomgr.notests", "no_timer_check", "tsc=reliable"));
        // Under TCG the guest's TSC runs at the host's rate, and calibrating it against the
        // emulated PIT fails when the host is busy (the boot then hangs before the console):
        // tell the kernel the rate instead.
        long khz = accel.equals("tcg") ? hostTscKhz() : 0;
        if (khz > 0) k.add("tsc_early_khz=" + khz);
        k.addAll(p.kernelParams());
        return k;
    }

    /** The host CPU's clock in kHz, from /proc/cpuinfo, or 0. */
    static long hostTscKhz() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) return (long) (Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1000);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not known: the kernel calibrates
        }
        return 0;
    }

    static List<String> build(VmPlan p, Path qemu, String accel) {
        return build(p, qemu, accel, null);
    }

    /**
     * The command line with the RAM in {@code memory} (a template's file; null: anonymous RAM):
     * mapped shared by the template that fills it, copy-on-write by its clones. Free page
     * reporting is off with file-backed RAM: QEMU 7.2 discards a reported page of a file
     * mapping by punching a hole in the file, which would erase the template under its clones.
     */
    static List<String> build(VmPlan p, Path qemu, String accel, Memory memory) {
        List<String> a = new ArrayList<>();
        a.add(qemu.toString());
        if (!p.template().isEmpty()) {
            a.clear();
            a.addAll(template(p, qemu, accel));
            return a;
        }
        a.addAll(List.of("-name", "cocoon-" + shortId(p.id()), "-uuid", p.uuid()));
        // acpi=off makes QEMU list the virtio-mmio devices on the kernel command line (our kernel
        // reads them there); a distribution kernel finds them through ACPI instead
        a.addAll(List.of("-M", "microvm,acpi=" + ("on".equals(p.annotations().get("io.cocoon.vm.acpi")) ? "on" : "off")));
        a.addAll(accelArgs(accel));
        a.addAll(List.of("-smp", String.valueOf(p.vcpus()), "-m", p.memoryMiB() + "M"));
        a.addAll(List.of("-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-sandbox", SANDBOX));
        a.addAll(List.of("-kernel", p.kernel().toString()));
        if (p.initrd() != null) a.addAll(List.of("-initrd", p.initrd().toString()));
        a.addAll(List.of("-append", String.join(" ", kernelParams(p, accel))));
        a.addAll(List.of("-serial", p.consoleLog() == null ? "null" : "file:" + p.consoleLog()));
        a.addAll(qmpArgs(p));
        a.addAll(agentArgs(p));
        if (memory != null) {
            a.addAll(List.of("-object", "memory-backend-file,id=ram,size=" + p.memoryMiB() + "M,mem-path="
                    + escape(memory.file().toString()) + ",share=" + (memory.shared() ? "on" : "off"), "-machine", "memory-backend=ram"));
        }
        a.addAll(memory == null || memory.discardable() ? BALLOON : BALLOON_NO_REPORTING);
        a.addAll(deviceArgs(p.devices(), null));
        a.addAll(List.of("-pidfile", pidFile(p).toString()));
        a.addAll(p.hypervisorParams());
        return a;
    }

    /**
     * The guest is large by default (as Kata's) and QEMU backs only the pages it touches; with
     * free page reporting the guest hands the pages it frees back (QEMU discards them), so a
     * process that once used much and freed it does not keep the host's memory.
     */
    /**
     * QEMU's seccomp filter with every optional class denied too: no setuid/setgid/capset
     * (elevateprivileges), no fork/exec (spawn: nothing here spawns, taps are opened with
     * script=no), no scheduler or affinity changes (resourcecontrol; cpusets are the host
     * cgroup's), and the obsolete calls.
     */
    static final String SANDBOX = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    static final List<String> BALLOON = List.of("-device", "virtio-balloon-device,free-page-reporting=on");
    static final List<String> BALLOON_NO_REPORTING = List.of("-device", "virtio-balloon-device,free-page-reporting=off");

    /** File-backed guest RAM: the template writes it ({@code shared}), its clones map it privately. */
    /**
     * Guest RAM in a file: {@code shared} maps it share=on (a template's build), else
     * copy-on-write; {@code discardable}: free page reporting may punch holes in it (a file of
     * this VM's own; never a file clones share: QEMU 7.2 discards a reported page of a file
     * mapping by punching a hole, which would erase the template under its clones).
     */
    record Memory(Path file, boolean shared, boolean discardable) {}

    /**
     * A template's identity: its command line with what differs per VM (the state directory,
     * names, the share paths) replaced, and the size and time of every file it boots, so that a
     * rebuilt kernel, initramfs (agent) or QEMU makes a new key.
     */
    static String templateKey(VmPlan p, Path qemu, String accel) {
        StringBuilder sb = new StringBuilder("qemu-lite template 1\n");
        for (String arg : build(p, qemu, accel, null)) {
            sb.append(arg.replace(p.stateDir().toString(), "@STATE@").replace(p.agentSocket().getParent().toString(), "@SOCK@")
                    .replace(p.id(), "@ID@").replace(p.uuid(), "@UUID@")).append('\n');
        }
        for (Path f : new Path[] {qemu, p.kernel(), p.initrd()}) {
            if (f == null) continue;
            try {
                sb.append(f).append(' ').append(Files.size(f)).append(' ').append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            } catch (java.io.IOException e) {
                throw new CocoonException("template: cannot read " + f + ": " + e.getMessage());
            }
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 10);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> accelArgs(String accel) {
        return accel.equals("kvm") ? List.of("-accel", "kvm", "-cpu", "host")
                : List.of("-accel", "tcg,tb-size=16", "-cpu", "max");
    }

    static List<String> qmpArgs(VmPlan p) {
        return List.of("-qmp", "unix:" + qmpSocket(p) + ",server=on,wait=off");
    }

    static List<String> agentArgs(VmPlan p) {
        return List.of("-device", "virtio-serial-device",
                "-chardev", "socket,id=agent,path=" + p.agentSocket() + ",server=on,wait=off",
                "-device", "virtserialport,chardev=agent,name=" + AGENT_PORT);
    }

    /** Device arguments; {@code skipShare} names a share the template already has. */
    static List<String> deviceArgs(List<VmDevice> devices, String skipShare) {
        List<String> a = new ArrayList<>();
        int n = 0;
        for (VmDevice d : devices) {
            // instanceof, not a pattern switch: its first use links an invokedynamic bootstrap,
            // which costs ~10 ms on the way to booting the VM
            if (d instanceof VmDevice.Share s) {
                if (s.tag().equals(skipShare)) continue;
                String id = "fs" + n;
                a.addAll(List.of("-fsdev", "local,id=" + id + ",path=" + escape(s.hostPath().toString())
                        + ",security_model=passthrough,multidevs=remap" + (s.readonly() ? ",readonly=on" : ""),
                        "-device", "virtio-9p-device,fsdev=" + id + ",mount_tag=" + s.tag()));
            } else if (d instanceof VmDevice.NetTap t) {
                String id = "net" + n;
                // a template's NIC has no tap: the clone's device state is restored onto its own
                if (t.tap() != null) a.addAll(List.of("-netdev", "tap,id=" + id + ",ifname=" + t.tap() + ",script=no,downscript=no"));
                a.addAll(List.of("-device", "virtio-net-device" + (t.tap() != null ? ",netdev=" + id : "")
                        + (t.mac() == null ? "" : ",mac=" + t.mac())
                        + (t.mtu() > 0 && t.mtu() != 1500 ? ",host_mtu=" + t.mtu() : "")));
            } else if (d instanceof VmDevice.Disk k) {
                String id = "disk" + n;
                a.addAll(List.of("-drive", "if=none,id=" + id + ",file=" + escape(k.path().toString()) + ",format="
                        + k.format() + (k.readonly() ? ",readonly=on" : ""),
                        "-device", "virtio-blk-device,drive=" + id));
            }
            n++;
        }
        return a;
    }

    /** QEMU option values use ',' as separator; a literal comma is doubled. */
    static String escape(String s) {
        return s.replace(",", ",,");
    }

    static String shortId(String id) {
        return id.length() <= 12 ? id : id.substring(0, 12);
    }

    /** Expands a cc-oci-runtime template and appends what it lacks. */
    static List<String> template(VmPlan p, Path qemu, String accel) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("QEMU_PATH", qemu.toString());
        v.put("NAME", "cocoon-" + shortId(p.id()));
        v.put("UUID", p.uuid());
        v.put("KERNEL", p.kernel().toString());
        v.put("INITRD", p.initrd() == null ? "" : p.initrd().toString());
        v.put("KERNEL_PARAMS", String.join(" ", kernelParams(p, accel)));
        v.put("KERNEL_NET_PARAMS", "");
        v.put("WORKLOAD_DIR", p.workloadDir() == null ? "" : p.workloadDir().toString());
        v.put("COMMS_SOCKET", qmpSocket(p).toString());
        v.put("CONSOLE_DEVICE", "file,id=charconsole0,path=" + (p.consoleLog() == null ? "/dev/null" : p.consoleLog()));
        v.put("PROCESS_SOCKET", "socket,id=procsock,path=" + p.agentSocket().resolveSibling("process.sock") + ",server=on,wait=off");
        v.put("AGENT_CTL_SOCKET", p.agentSocket().toString());
        v.put("AGENT_TTY_SOCKET", p.agentSocket().resolveSibling("tty.sock").toString());
        v.put("MEMORY", String.valueOf(p.memoryMiB()));
        v.put("CPUS", String.valueOf(p.vcpus()));
        v.put("ACCEL", accel);
        String image = p.annotations().getOrDefault("io.cocoon.vm.image", "");
        v.put("IMAGE", image);
        long size = 0;
        try {
            if (!image.isEmpty()) size = Files.size(Path.of(image));
        } catch (java.io.IOException ignored) {
            // size stays 0
        }
        v.put("SIZE", String.valueOf(size));
        v.put("NETDEV", "");
        v.put("NETDEV_PARAMS", "");
        v.put("NETDEVICE", "");
        v.put("NETDEVICE_PARAMS", "");
        List<String> out = new ArrayList<>();
        boolean hasQmp = false, hasAgent = false;
        for (String line : p.template()) {
            hasQmp |= line.contains("@COMMS_SOCKET@");
            hasAgent |= line.contains("@AGENT_CTL_SOCKET@");
            Matcher m = TAG.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String val = v.get(m.group(1));
                if (val == null) throw new CocoonException("hypervisor.args: unknown tag @" + m.group(1) + "@");
                m.appendReplacement(sb, Matcher.quoteReplacement(val));
            }
            m.appendTail(sb);
            String s = sb.toString().strip();
            if (!s.isEmpty()) out.add(s);
        }
        if (out.isEmpty() || out.get(0).startsWith("-")) out.add(0, qemu.toString());
        if (!hasQmp) out.addAll(qmpArgs(p));
        if (!hasAgent) out.addAll(agentArgs(p));
        out.addAll(deviceArgs(p.devices(), null));
        out.addAll(List.of("-pidfile", pidFile(p).toString()));
        out.addAll(p.hypervisorParams());
        return out;
    }
}
