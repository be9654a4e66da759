package io.cocoon.hypervisor.qemu;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The qemu-lite hypervisor driver: QEMU {@code microvm}, KVM when usable, else TCG. */
public final class QemuLite implements Hypervisor {
    public static final String NAME = "qemu-lite";
    static final List<String> SEARCH = List.of("/usr/bin/qemu-system-x86_64", "/usr/local/bin/qemu-system-x86_64",
            "/usr/libexec/qemu-kvm");

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "QEMU microvm: PVH kernel boot, virtio-mmio, QMP; KVM when usable, else TCG";
    }

    @Override
    public Set<Feature> features() {
        return EnumSet.of(Feature.PAUSE, Feature.SNAPSHOT, Feature.SHARED_FS_9P, Feature.VIRTIO_SERIAL, Feature.NET_TAP,
                Feature.DISK, Feature.ARGS_TEMPLATE);
    }

    static Path findQemu(Path explicit) {
        if (explicit != null) {
            if (!Files.isExecutable(explicit)) throw new CocoonException("hypervisor " + explicit + " is not an executable file");
            return explicit;
        }
        for (String s : SEARCH) if (Files.isExecutable(Path.of(s))) return Path.of(s);
        throw new CocoonException("qemu-system-x86_64 not found (looked in " + String.join(", ", SEARCH)
                + "): apt-get install qemu-system-x86");
    }

    @Override
    public List<HostCheck> check() {
        List<HostCheck> out = new ArrayList<>();
        try {
            Path q = findQemu(null);
            out.add(HostCheck.ok("qemu", q + " (" + version(q) + ")"));
        } catch (CocoonException e) {
            out.add(HostCheck.fail("qemu", e.getMessage()).withFix("apt-get install qemu-system-x86, or set hypervisor.path in /etc/cocoon/vm.json"));
        }
        String why = Accelerator.kvmUnusable();
        if (why != null) {
            out.add(HostCheck.warn("kvm", why + "; VMs run under TCG (slower)")
                    .withFix("load kvm_intel or kvm_amd (modprobe), give this user /dev/kvm (group kvm), or enable nested virtualisation on the VM host"));
        } else {
            String cached = Accelerator.readCache();
            out.add(cached == null ? HostCheck.ok("kvm", "/dev/kvm opens; the first VM will probe whether guests boot under it")
                    : cached.equals("kvm") ? HostCheck.ok("kvm", "usable (probe boot succeeded on this host boot)")
                    : HostCheck.warn("kvm", "a probe boot under KVM hung on this host boot; VMs run under TCG")
                            .withFix("on a PVM host use a guest kernel built for PVM (io.cocoon.vm.kernel), or force io.cocoon.vm.accel=kvm to retry"));
        }
        out.add(Files.exists(Path.of("/dev/vhost-vsock"))
                ? HostCheck.ok("vhost-vsock", "present (qemu-lite still uses its virtio-serial agent port, which works everywhere)")
                : HostCheck.ok("vhost-vsock", "absent; not needed: the agent channel is a virtio-serial port"));
        return out;
    }

    static String version(Path qemu) {
        try {
            Process p = new ProcessBuilder(qemu.toString(), "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readNBytes(4096)).lines().findFirst().orElse("?");
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            return first.replace("QEMU emulator version ", "QEMU ");
        } catch (IOException e) {
            return "version unknown: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }

    /**
     * QEMU's {@code microvm} has {@value #MICROVM_TRANSPORTS} virtio-mmio transports ("up to
     * eight virtio-mmio devices", QEMU's docs); the agent's virtio-serial device takes one, every
     * share, NIC and disk one more. Past that QEMU exits at start ({@code No 'virtio-bus' bus found
     * for device ...}), so a plan that does not fit is refused here, before anything starts.
     */
    static final int MICROVM_TRANSPORTS = 8;

    @Override
    public void validate(VmPlan plan) {
        if (!plan.template().isEmpty()) return; // a hypervisor.args template chooses its own machine
        int shares = 0, nics = 0, disks = 0;
        for (io.cocoon.spi.VmDevice d : plan.devices()) {
            if (d instanceof io.cocoon.spi.VmDevice.Share) shares++;
            else if (d instanceof io.cocoon.spi.VmDevice.NetTap) nics++;
            else if (d instanceof io.cocoon.spi.VmDevice.Disk) disks++;
        }
        int needed = 1 + shares + nics + disks;
        if (needed > MICROVM_TRANSPORTS) {
            throw new CocoonException("the VM needs " + needed + " virtio devices (agent channel 1, shares " + shares + ", NICs "
                    + nics + ", disks " + disks + ") but QEMU's microvm has " + MICROVM_TRANSPORTS
                    + " virtio-mmio transports: use fewer network interfaces or disks");
        }
    }

    @Override
    public Vm launch(VmPlan plan) {
        validate(plan);
        Path qemu = findQemu(plan.hypervisorPath());
        if (plan.kernel() == null || !Files.isRegularFile(plan.kernel())) {
            throw new CocoonException("guest kernel not found: " + plan.kernel() + " (build it: modules/guest/kernel/build-kernel.sh)");
        }
        Accelerator.Choice accel = Accelerator.choose(plan.accelerator(), qemu, plan.kernel(), plan.initrd(), plan.stateDir());
        List<String> argv = CommandLine.build(plan, qemu, accel.accel());
        return QemuVm.start(plan, argv, accel, false);
    }

    /**
     * A plan with disks has no template: the guest reads a disk's size and first blocks when it
     * probes it, so a clone would see the template's disk. A hypervisor.args template chooses
     * its own machine, which this driver cannot vouch for.
     */
    @Override
    public String templateKey(VmPlan plan) {
        if (!plan.template().isEmpty()) return null;
        for (io.cocoon.spi.VmDevice d : plan.devices()) if (d instanceof io.cocoon.spi.VmDevice.Disk) return null;
        Path qemu = findQemu(plan.hypervisorPath());
        Accelerator.Choice accel = Accelerator.choose(plan.accelerator(), qemu, plan.kernel(), plan.initrd(), plan.stateDir());
        return CommandLine.templateKey(plan, qemu, accel.accel()) + "-" + accel.accel();
    }

    @Override
    public Vm launchTemplate(VmPlan plan, Path sharedMemory) {
        return launchTemplate(plan, sharedMemory, false);
    }

    @Override
    public Vm launchTemplate(VmPlan plan, Path sharedMemory, boolean discardable) {
        validate(plan);
        Path qemu = findQemu(plan.hypervisorPath());
        Accelerator.Choice accel = Accelerator.choose(plan.accelerator(), qemu, plan.kernel(), plan.initrd(), plan.stateDir());
        CommandLine.Memory mem = sharedMemory == null ? null : new CommandLine.Memory(sharedMemory, true, discardable);
        return QemuVm.start(plan, CommandLine.build(plan, qemu, accel.accel(), mem), accel, mem != null);
    }

    @Override
    public Vm restore(VmPlan plan, Path snapshot) {
        return restore(plan, snapshot, null);
    }

    @Override
    public Vm restore(VmPlan plan, Path state, Path sharedMemory) {
        return restore(plan, state, sharedMemory, false);
    }

    @Override
    public Vm restore(VmPlan plan, Path state, Path sharedMemory, boolean discardable) {
        return restore(plan, state, sharedMemory, discardable, () -> { });
    }

    /** QEMU maps the memory file at start but reads it only when the state streams in (incoming). */
    @Override
    public Vm restore(VmPlan plan, Path state, Path sharedMemory, boolean discardable, Runnable memoryReady) {
        validate(plan);
        Path qemu = findQemu(plan.hypervisorPath());
        if (!Files.isRegularFile(state)) throw new CocoonException("VM state " + state + " does not exist");
        if (sharedMemory != null && !Files.isRegularFile(sharedMemory)) throw new CocoonException("template memory " + sharedMemory + " does not exist");
        Accelerator.Choice accel = Accelerator.choose(plan.accelerator(), qemu, plan.kernel(), plan.initrd(), plan.stateDir());
        List<String> argv = new ArrayList<>(CommandLine.build(plan, qemu, accel.accel(),
                sharedMemory == null ? null : new CommandLine.Memory(sharedMemory, false, discardable)));
        argv.addAll(List.of("-incoming", "defer"));
        QemuVm vm = QemuVm.start(plan, argv, accel, sharedMemory != null);
        try {
            vm.incoming(state, plan.bootTimeout() == null ? 30_000 : plan.bootTimeout().toMillis(), memoryReady);
            return vm;
        } catch (RuntimeException e) {
            vm.kill();
            throw e;
        }
    }

    @Override
    public void cleanup(Path stateDir) {
        QemuVm.killFromPidFile(stateDir.resolve("qemu.pid"));
    }
}
