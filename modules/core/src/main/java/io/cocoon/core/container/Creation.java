package io.cocoon.core.container;

import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.cgroup.HostCgroup;
import io.cocoon.core.container.GuestImages.GuestImage;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.log.RuntimeLog;
import io.cocoon.core.log.Timing;
import io.cocoon.core.model.CreateOptions;
import io.cocoon.core.model.ResourceUpdate;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.NetworkSetup;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The host side of {@code create} and {@code run}: reads the bundle ({@link BundleReader}),
 * chooses the drivers ({@link Drivers}), claims the id, sets up storage and network, and writes
 * the state files the monitor starts from. On any failure everything done so far is undone
 * ({@link #abort}), so a failed create leaves nothing behind.
 */
public final class Creation {
    /** VmPlan annotation: the kernel needs microvm's ACPI tables to find its devices. */
    public static final String VM_ACPI = "io.cocoon.vm.acpi";

    /**
     * How long a VM may wait for a host boot slot (the monitor's admission queue) before its boot
     * deadline starts; create's wait for its monitor includes it.
     */
    public static final long BOOT_QUEUE_MS = 300_000;

    /**
     * A prepared container: locked, in status {@code creating}, its files written. The caller
     * starts its monitor, then closes the lock.
     */
    public record Prepared(String id, SandboxPlan plan, LaunchSpec launch, StateStore.Lock lock) {}

    private Creation() {}

    /**
     * @param early called once the launch spec is known and before the state files are written
     *     ({@code run} boots the VM there, so the writes overlap with the guest's boot); a
     *     failure in it aborts the create like any other
     */
    static Prepared prepare(ContainerRuntime rt, CreateOptions o, Consumer<LaunchSpec> early) {
        return prepare(rt, o, early, false);
    }

    /**
     * @param startsAtOnce {@code run} (attached or detached): nothing can attach a network
     *     between create and start, so none is kept in reserve
     */
    static Prepared prepare(ContainerRuntime rt, CreateOptions o, Consumer<LaunchSpec> early, boolean startsAtOnce) {
        StateStore store = rt.store();
        BundleReader.Read read = BundleReader.read(o, rt.plugins());
        String id = read.id();
        SandboxPlan plan = read.plan();
        Pods.Sandbox sandbox = Pods.find(store, read.spec());
        if (sandbox != null) return PodMembers.prepare(rt, read, sandbox, o, early);
        Drivers drivers = Drivers.choose(rt.plugins(), plan, new NetworkRequest(id, store.dir(id), plan.netnsPath(), plan.annotations(),
                read.process().env(), !startsAtOnce));
        GuestImage guest = rt.guest().resolve(plan.vm().kernel(), plan.vm().initrd(), plan.vm().hostKernel());
        RuntimeLog.get().debug("guest kernel " + guest.kernel() + " (" + guest.source() + ")");
        Timing.mark("drivers chosen");
        StateStore.Lock lock = store.create(id);
        try {
            Path dir = store.dir(id);
            long me = ProcessHandle.current().pid();
            // resources.json first: whatever the drivers set up from here on can be released after a crash
            AtomicFiles.write(dir.resolve(ContainerFiles.RESOURCES), new Cleanup.Resources(drivers.hypervisorName(),
                    drivers.storage().name(), drivers.network() == null ? null : drivers.network().name(), plan.netnsPath(),
                    plan.annotations()).toJson());
            StoragePlan sp = drivers.storage().prepare(plan, dir);
            NetworkSetup net = drivers.network() == null ? NetworkSetup.NONE : drivers.network().setup(drivers.networkRequest());
            LaunchSpec launch = launchSpec(rt, read, drivers, guest, sp, net, o.consoleSocket(), !startsAtOnce);
            Timing.mark("vm planned");
            if (early != null) early.accept(launch);
            ContainerRecord record = new ContainerRecord(read.spec().ociVersion(), id, ContainerStatus.CREATING, me,
                    ProcStat.startTime(me), read.bundle().toString(), plan.rootfs().toString(), Instant.now().toString(),
                    System.getProperty("user.name", "root"), plan.annotations(), drivers.hypervisorName(), 0, 0,
                    str(guest.kernel()), str(guest.initrd()), str(plan.vm().image()), "", null);
            store.write(record);
            Files.copy(read.configFile(), dir.resolve(ContainerFiles.CONFIG));
            AtomicFiles.write(dir.resolve(ContainerFiles.LAUNCH), launch.toJson());
            Timing.mark("state, config and launch.json written");
            return new Prepared(id, plan, launch, lock);
        } catch (IOException | RuntimeException e) {
            abort(rt, id, lock);
            if (e instanceof CocoonException ce) throw ce;
            throw new CocoonException("create " + id + ": " + e.getMessage(), e);
        }
    }

    /** What the monitor needs: the VM to boot, the agent's CREATE, stdio wiring, hooks, limits. */
    private static LaunchSpec launchSpec(ContainerRuntime rt, BundleReader.Read read, Drivers drivers, GuestImage guest,
                                         StoragePlan sp, NetworkSetup net, String consoleSocket, boolean lateNetwork)
            throws IOException {
        String id = read.id();
        SandboxPlan plan = read.plan();
        Path dir = rt.store().dir(id);
        List<VmDevice> devices = new ArrayList<>(sp.devices());
        devices.addAll(net.devices());
        Path sockets = rt.store().socketDir(id);
        Files.createDirectories(sockets);
        Path logDir = rt.options().hypervisorLogDir();
        Path hvLog = logDir != null ? logDir.resolve(id + ".log") : dir.resolve(ContainerFiles.HYPERVISOR_LOG);
        if (logDir != null) Files.createDirectories(logDir);
        long bootTimeout = plan.vm().bootTimeoutMs();
        List<String> kernelParams = new ArrayList<>(plan.vm().kernelParams());
        kernelParams.addAll(net.kernelParams());
        VmPlan vm = new VmPlan(id, UUID.nameUUIDFromBytes(id.getBytes()).toString(), dir, plan.vm().vcpus(),
                plan.vm().memoryMiB(), guest.kernel(), guest.initrd(), kernelParams,
                plan.vm().hypervisorPath(), plan.vm().hypervisorParams(), plan.vm().template(), devices,
                sockets.resolve("agent.sock"), dir.resolve(ContainerFiles.CONSOLE_LOG), hvLog,
                plan.vm().accelerator(), plan.rootfs(), Duration.ofMillis(bootTimeout), vmAnnotations(plan, guest),
                net.netnsPath() == null ? null : Path.of(net.netnsPath()));
        // before anything is launched: a plan the machine cannot hold fails here, in one line
        drivers.hypervisor().validate(vm);
        Spec.Process process = read.process();
        StoragePlan guestMounts = AgentPayloads.withShareTransport(sp, drivers.hypervisor().shareTransport());
        byte[] create = AgentPayloads.fit(AgentPayloads.create(plan, guestMounts, net, process, true), process);
        return new LaunchSpec(id, read.spec().ociVersion(), read.bundle().toString(), plan.rootfs().toString(),
                drivers.hypervisorName(), vm, create, process.terminal(), consoleSocket, bootTimeout, plan.cgroupsPath(),
                plan.annotations(), HostCgroup.Limits.forVm(plan.resources(), plan.vm().memoryMiB()),
                guestCpuUpdate(plan.resources().cpu()), plan.hooks(), sp.hostBinds(), lateNetwork);
    }

    /** Undoes a partial create: monitor, VM, driver resources, state directory. */
    static void abort(ContainerRuntime rt, String id, StateStore.Lock lock) {
        StateStore store = rt.store();
        try {
            ContainerRecord r = null;
            try {
                r = store.read(id);
            } catch (CocoonException ignored) {
                // no state written yet
            }
            // never kill ourselves: in `run` the monitor is this process
            if (r != null && r.pid() == ProcessHandle.current().pid()) r = r.withMonitor(0, 0);
            Cleanup.all(store, id, r, rt::plugins);
            store.remove(id);
        } catch (RuntimeException e) {
            RuntimeLog.get().warn("cleanup after failed create of " + id + ": " + e.getMessage());
        } finally {
            if (lock != null) lock.close();
        }
    }

    /** The plan's annotations, plus what the hypervisor must know about the guest kernel. */
    static Map<String, String> vmAnnotations(SandboxPlan plan, GuestImage guest) {
        Map<String, String> m = new LinkedHashMap<>(plan.annotations());
        if (guest.acpi()) m.put(VM_ACPI, "on");
        return m;
    }

    /** CPU limits of the container's guest cgroup, sent as an UPDATE right after CREATE. */
    static byte[] guestCpuUpdate(Linux.Cpu cpu) {
        if (cpu == null) return new byte[0];
        boolean quota = cpu.quota() != null && cpu.quota() > 0;
        ResourceUpdate u = new ResourceUpdate(null, null, quota ? cpu.quota() : null, quota ? cpu.period() : null,
                cpu.shares() != null && cpu.shares() > 0 ? cpu.shares() : null);
        return u.isEmpty() ? new byte[0] : AgentPayloads.update(u).toBytes();
    }

    private static String str(Path p) {
        return p == null ? "" : p.toString();
    }
}
