package io.cocoon.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QEMU's argv for a plan, with and without a cc-oci-runtime template. */
class CommandLineTest {
    static VmPlan plan(List<String> template, List<VmDevice> devices) {
        return new VmPlan("c1", "0f826a89-cf68-3399-85f4-cf320c1a5842", Path.of("/run/cocoon/c1"), 2, 512,
                Path.of("/k/vmlinux"), Path.of("/k/initrd"), List.of("debug"), null, List.of("-extra"), template, devices,
                Path.of("/run/cocoon/.s/abc/agent.sock"), Path.of("/run/cocoon/c1/console.log"), null, "auto",
                Path.of("/b/rootfs"), Duration.ofSeconds(30), Map.of());
    }

    static String joined(List<String> a) {
        return String.join(" ", a);
    }

    @Test
    void microvmWithPvhBootAndDevices() {
        List<VmDevice> devs = List.of(new VmDevice.Share("rootfs", Path.of("/b/rootfs"), false),
                new VmDevice.Share("b1", Path.of("/data,with,commas"), true), new VmDevice.NetTap("tap0", "02:00:00:00:00:01", 1500),
                new VmDevice.Disk(Path.of("/img.raw"), true, "raw"));
        String a = joined(CommandLine.build(plan(List.of(), devs), Path.of("/usr/bin/qemu-system-x86_64"), "tcg"));
        assertTrue(a.startsWith("/usr/bin/qemu-system-x86_64 -name cocoon-c1 -uuid 0f826a89"), a);
        assertTrue(a.contains("-M microvm,acpi=off -accel tcg,tb-size=16 -cpu max -smp 2 -m 512M"), a);
        assertTrue(a.contains("-nodefaults -no-user-config -nographic -no-reboot -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"), a);
        assertTrue(a.contains("-device virtio-balloon-device,free-page-reporting=on"), a);
        assertTrue(a.contains("-kernel /k/vmlinux -initrd /k/initrd"), a);
        assertTrue(a.contains("console=ttyS0 reboot=t panic=-1") && a.contains(" debug"), a);
        assertTrue(a.contains("-qmp unix:/run/cocoon/.s/abc/qmp.sock,server=on,wait=off"), a);
        assertTrue(a.contains("socket,id=agent,path=/run/cocoon/.s/abc/agent.sock,server=on,wait=off"), a);
        assertTrue(a.contains("virtserialport,chardev=agent,name=io.cocoon.agent"), a);
        assertTrue(a.contains("local,id=fs1,path=/data,,with,,commas,security_model=passthrough,multidevs=remap,readonly=on"),
                "one export may hold bind mounts of several filesystems: their inodes are remapped: " + a);
        assertTrue(a.contains("-netdev tap,id=net2,ifname=tap0,script=no,downscript=no -device virtio-net-device,netdev=net2,mac=02:00:00:00:00:01"), a);
        assertTrue(a.contains("file=/img.raw,format=raw,readonly=on"), a);
        assertTrue(a.contains("-pidfile /run/cocoon/c1/qemu.pid"), a);
        assertTrue(a.endsWith("-extra"), "hypervisor parameters go last: " + a);
        assertTrue(joined(CommandLine.build(plan(List.of(), devs), Path.of("q"), "kvm")).contains("-accel kvm -cpu host"));
    }

    @Test
    void templateDrivesTheCommandLineAndMissingPartsAreAppended() {
        List<String> t = List.of("@QEMU_PATH@", "-name", "@NAME@", "-kernel", "@KERNEL@", "-append", "@KERNEL_PARAMS@",
                "-fsdev", "local,id=w,path=@WORKLOAD_DIR@,security_model=none", "@NETDEV@");
        List<VmDevice> devs = List.of(new VmDevice.Share("rootfs", Path.of("/b/rootfs"), false),
                new VmDevice.Share("b1", Path.of("/data"), false));
        List<String> a = CommandLine.build(plan(t, devs), Path.of("/usr/bin/qemu"), "tcg");
        String s = joined(a);
        assertEquals("/usr/bin/qemu", a.get(0));
        assertTrue(s.contains("-name cocoon-c1 -kernel /k/vmlinux"), s);
        assertTrue(s.contains("path=/b/rootfs,security_model=none"), s);
        assertTrue(!s.contains("@NETDEV@") && !a.contains(""), "empty tags vanish: " + s);
        assertTrue(s.contains("-qmp unix:"), "QMP appended: " + s);
        assertTrue(s.contains("name=io.cocoon.agent"), "agent port appended: " + s);
        assertTrue(s.contains("mount_tag=b1") && s.contains("mount_tag=rootfs"),
                "Cocoon's shares are appended (a template's own @WORKLOAD_DIR@ export is not Cocoon's share): " + s);
        assertThrows(CocoonException.class, () -> CommandLine.build(plan(List.of("@NOPE@"), List.of()), Path.of("q"), "tcg"));
    }

    @Test
    void theDeviceBudgetOfMicrovmIsCheckedBeforeLaunch() {
        List<VmDevice> fits = new java.util.ArrayList<>(List.of(new VmDevice.Share("cocoon", Path.of("/s"), false)));
        for (int i = 0; i < 6; i++) fits.add(new VmDevice.NetTap("tap" + i, null, 1500));
        new QemuLite().validate(plan(List.of(), fits)); // 1 agent + 1 share + 6 NICs = 8
        List<VmDevice> over = new java.util.ArrayList<>(fits);
        over.add(new VmDevice.Disk(Path.of("/d"), false, "raw"));
        CocoonException e = assertThrows(CocoonException.class, () -> new QemuLite().validate(plan(List.of(), over)));
        assertEquals("the VM needs 9 virtio devices (agent channel 1, shares 1, NICs 6, disks 1) but QEMU's microvm has 8"
                + " virtio-mmio transports: use fewer network interfaces or disks", e.getMessage());
    }

    @Test
    void findQemuNamesThePackage() {
        CocoonException e = assertThrows(CocoonException.class, () -> QemuLite.findQemu(Path.of("/nonexistent/qemu")));
        assertTrue(e.getMessage().contains("/nonexistent/qemu"));
    }

    @Test
    void kvmDecisionRespectsTheRequest() {
        assertEquals("tcg", Accelerator.choose("tcg", Path.of("q"), Path.of("k"), null, Path.of("/tmp")).accel());
        String why = Accelerator.kvmUnusable();
        if (why != null) {
            assertThrows(CocoonException.class, () -> Accelerator.choose("kvm", Path.of("q"), Path.of("k"), null, Path.of("/tmp")));
            assertEquals("tcg", Accelerator.choose("auto", Path.of("q"), Path.of("k"), null, Path.of("/tmp")).accel());
        }
    }
}
