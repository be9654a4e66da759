package io.cocoon.cli.support;

import io.cocoon.core.agent.CreateRequest;
import io.cocoon.core.config.ConfigLocator;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.spec.AnnotationsHandler;
import io.cocoon.core.spec.SpecPipeline;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.guest.GuestAssets;
import io.cocoon.monitor.LaunchSpec;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.NetworkSetup;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.StorageProvider;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import io.cocoon.spi.oci.Spec;
import io.cocoon.spi.oci.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The host side of {@code create} and {@code run}: reads the bundle into a plan, claims the
 * container id, sets up storage and network, and writes {@code launch.json} for the monitor.
 * On any failure everything done so far is undone, so a failed create leaves nothing behind.
 */
public final class Creation {
    public static final String DEFAULT_HYPERVISOR = "qemu-lite";
    public static final long DEFAULT_BOOT_TIMEOUT_MS = 30_000;

    /** What a prepared container needs to be launched. */
    public record Prepared(String id, SandboxPlan plan, LaunchSpec launch, StateStore.Lock lock) {}

    private Creation() {}

    /**
     * Validates the bundle and prepares the container; returns with the container locked and in
     * state {@code creating}. The caller launches the monitor, then closes the lock.
     */
    public static Prepared prepare(Context ctx, String id, Path bundleArg, String consoleSocket, boolean detached) {
        return prepare(ctx, id, bundleArg, consoleSocket, detached, null);
    }

    /**
     * @param early called once the launch spec is known and before the state files are written
     *     ({@code run} boots the VM there); a failure in it aborts the create like any other
     */
    public static Prepared prepare(Context ctx, String id, Path bundleArg, String consoleSocket, boolean detached,
                                   java.util.function.Consumer<LaunchSpec> early) {
        StateStore store = ctx.store();
        io.cocoon.core.state.ContainerId.validate(id);
        Path bundle = bundleArg.toAbsolutePath().normalize();
        if (!Files.isDirectory(bundle)) {
            throw new CocoonException("bundle " + bundle + (Files.exists(bundle) ? " is not a directory" : " does not exist"));
        }
        Path configFile = bundle.resolve("config.json");
        Timing.mark(ctx, "bundle checked");
        Spec spec = SpecParser.read(configFile);
        Timing.mark(ctx, "config.json parsed");
        List<io.cocoon.spi.SpecHandler> pluginHandlers = ctx.plugins().specHandlers();
        Timing.mark(ctx, "plugins loaded");
        SandboxPlan plan = new SpecPipeline(pluginHandlers).plan(id, bundle, spec, new ConfigLocator(bundle));
        Timing.mark(ctx, "plan built");
        plan.warnings().forEach(w -> ctx.log().warn(w));
        plan.vm().sources().forEach((k, v) -> ctx.log().debug("vm " + k + " from " + v));
        Spec.Process process = plan.process();
        if (process.terminal() && consoleSocket == null && detached) {
            throw new CocoonException("cannot allocate tty if cocoon will detach without setting console socket");
        }
        if (!process.terminal() && consoleSocket != null) {
            throw new CocoonException("cannot use console socket if the process does not have a terminal (process.terminal is false)");
        }
        Executables.check(plan.rootfs(), process);
        process = new Spec.Process(process.terminal(), process.consoleSize(), process.user(), process.args(),
                process.commandLine(), CreateRequest.withHome(process.env(), Executables.home(plan.rootfs(), process.user().uid())),
                process.cwd(), process.capabilities(), process.rlimits(), process.noNewPrivileges(), process.apparmorProfile(),
                process.oomScoreAdj(), process.selinuxLabel());
        String hvName = plan.vm().hypervisor() == null ? DEFAULT_HYPERVISOR : plan.vm().hypervisor();
        Hypervisor hv = ctx.plugins().hypervisor(hvName).orElseThrow(() -> new CocoonException(
                "hypervisor \"" + hvName + "\" not found; installed: " + ctx.plugins().hypervisors().stream().map(Hypervisor::name).toList()));
        StorageProvider storage = storageFor(ctx, plan);
        NetworkRequest netReq = new NetworkRequest(id, store.dir(id), plan.netnsPath(), plan.annotations());
        NetworkProvider network = networkFor(ctx, netReq, plan);
        GuestAssets.Assets assets = GuestAssets.resolve(plan.vm().kernel(), plan.vm().initrd(), plan.vm().hostKernel());
        ctx.log().debug("guest kernel " + assets.kernel() + " (" + assets.source() + ")");

        Timing.mark(ctx, "drivers chosen");
        StateStore.Lock lock = store.create(id);
        try {
            Path dir = store.dir(id);
            long me = ProcessHandle.current().pid();
            // resources.json first: whatever the drivers set up from here on can be released after a crash
            AtomicFiles.write(dir.resolve(ContainerFiles.RESOURCES), new Cleanup.Resources(hvName, storage.name(),
                    network == null ? null : network.name(), plan.netnsPath(), plan.annotations()).toJson());
            StoragePlan sp = storage.prepare(plan, dir);
            NetworkSetup net = network == null ? NetworkSetup.NONE : network.setup(netReq);
            List<VmDevice> devices = new ArrayList<>(sp.devices());
            devices.addAll(net.devices());
            Path sockets = store.socketDir(id);
            Files.createDirectories(sockets);
            long bootTimeout = bootTimeout(plan);
            Path hvLog = ctx.global().hypervisorLogDir() != null
                    ? ctx.global().hypervisorLogDir().resolve(id + ".log") : dir.resolve(ContainerFiles.HYPERVISOR_LOG);
            if (ctx.global().hypervisorLogDir() != null) Files.createDirectories(ctx.global().hypervisorLogDir());
            VmPlan vm = new VmPlan(id, UUID.nameUUIDFromBytes(id.getBytes()).toString(), dir, plan.vm().vcpus(),
                    plan.vm().memoryMiB(), assets.kernel(), assets.initrd(), plan.vm().kernelParams(),
                    plan.vm().hypervisorPath(), plan.vm().hypervisorParams(), plan.vm().template(), devices,
                    sockets.resolve("agent.sock"), dir.resolve(ContainerFiles.CONSOLE_LOG), hvLog,
                    plan.vm().accelerator(), plan.rootfs(), Duration.ofMillis(bootTimeout), vmAnnotations(plan, assets));
            byte[] create = CreateRequest.create(plan, sp, process, true).toBytes();
            LaunchSpec launch = new LaunchSpec(id, spec.ociVersion(), bundle.toString(), plan.rootfs().toString(), hvName, vm,
                    create, process.terminal(), consoleSocket, bootTimeout, plan.cgroupsPath(), plan.annotations(),
                    hostLimits(plan), guestCpuUpdate(plan));
            Timing.mark(ctx, "vm planned");
            // `run` boots the VM now, so the writes below overlap with the guest's boot
            if (early != null) early.accept(launch);
            ContainerRecord record = new ContainerRecord(spec.ociVersion(), id, State.CREATING, me, ProcStat.startTime(me),
                    bundle.toString(), plan.rootfs().toString(), Instant.now().toString(), System.getProperty("user.name", "root"),
                    plan.annotations(), hvName, 0, 0, str(assets.kernel()), str(assets.initrd()), str(plan.vm().image()), "", null);
            store.write(record);
            Files.copy(configFile, dir.resolve(ContainerFiles.CONFIG));
            AtomicFiles.write(dir.resolve(ContainerFiles.LAUNCH), launch.toJson());
            Timing.mark(ctx, "state, config and launch.json written");
            return new Prepared(id, plan, launch, lock);
        } catch (IOException | RuntimeException e) {
            abort(ctx, id, lock);
            if (e instanceof CocoonException ce) throw ce;
            throw new CocoonException("create " + id + ": " + e.getMessage(), e);
        }
    }

    /** Undoes a partial create: monitor, VM, driver resources, state directory. */
    public static void abort(Context ctx, String id, StateStore.Lock lock) {
        StateStore store = ctx.store();
        try {
            ContainerRecord r = null;
            try {
                r = store.read(id);
            } catch (CocoonException ignored) {
                // no state written yet
            }
            // never kill ourselves: in `run` the monitor is this process
            if (r != null && r.pid() == ProcessHandle.current().pid()) r = r.withMonitor(0, 0);
            Cleanup.all(store, id, r, ctx::plugins);
            store.remove(id);
        } catch (RuntimeException e) {
            ctx.log().warn("cleanup after failed create of " + id + ": " + e.getMessage());
        } finally {
            if (lock != null) lock.close();
        }
    }

    /** The plan's annotations, plus what the hypervisor must know about the guest kernel. */
    static java.util.Map<String, String> vmAnnotations(SandboxPlan plan, GuestAssets.Assets assets) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>(plan.annotations());
        if (assets.acpi()) m.put(VM_ACPI, "on");
        return m;
    }

    /** VmPlan annotation: the kernel needs microvm's ACPI tables to find its devices. */
    public static final String VM_ACPI = "io.cocoon.vm.acpi";

    /** Headroom for QEMU itself and the monitor JVM on top of guest RAM, in the host cgroup. */
    static final long HOST_OVERHEAD_MIB = 256;

    /** The host cgroup bounds the whole VM: memory only when the container has a limit. */
    static io.cocoon.monitor.HostCgroup.Limits hostLimits(SandboxPlan plan) {
        io.cocoon.spi.oci.Linux.Resources r = plan.resources();
        boolean memLimit = r.memory() != null && r.memory().limit() != null && r.memory().limit() > 0;
        long mem = memLimit ? (plan.vm().memoryMiB() + HOST_OVERHEAD_MIB) << 20 : 0;
        long quota = r.cpu() != null && r.cpu().quota() != null ? r.cpu().quota() : 0;
        long period = r.cpu() != null && r.cpu().period() != null ? r.cpu().period() : 0;
        long shares = r.cpu() != null && r.cpu().shares() != null ? r.cpu().shares() : 0;
        return new io.cocoon.monitor.HostCgroup.Limits(mem, quota, period, shares);
    }

    /** CPU limits of the container's guest cgroup, sent as an UPDATE right after CREATE. */
    static byte[] guestCpuUpdate(SandboxPlan plan) {
        io.cocoon.spi.oci.Linux.Cpu cpu = plan.resources().cpu();
        if (cpu == null) return new byte[0];
        io.cocoon.core.agent.Tlv.Writer w = new io.cocoon.core.agent.Tlv.Writer();
        boolean any = false;
        if (cpu.quota() != null && cpu.quota() > 0) {
            long period = cpu.period() == null || cpu.period() == 0 ? 100_000 : cpu.period();
            w.str(io.cocoon.core.agent.Proto.T_CPU_MAX, cpu.quota() + " " + period);
            any = true;
        }
        if (cpu.shares() != null && cpu.shares() > 0) {
            w.u64(io.cocoon.core.agent.Proto.T_CPU_WEIGHT, 1 + ((Math.max(2, Math.min(262144, cpu.shares())) - 2) * 9999) / 262142);
            any = true;
        }
        return any ? w.toBytes() : new byte[0];
    }

    private static long bootTimeout(SandboxPlan plan) {
        String v = plan.annotations().get("io.cocoon.vm.boot_timeout");
        if (v == null) return DEFAULT_BOOT_TIMEOUT_MS;
        try {
            return Math.max(1000, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new CocoonException("annotations.io.cocoon.vm.boot_timeout: must be milliseconds, got \"" + v + "\"");
        }
    }

    static StorageProvider storageFor(Context ctx, SandboxPlan plan) {
        String wanted = plan.annotations().get(AnnotationsHandler.STORAGE);
        for (StorageProvider s : ctx.plugins().storages()) {
            if (wanted != null ? s.name().equals(wanted) : s.supports(plan)) return s;
        }
        throw new CocoonException(wanted != null ? "storage driver \"" + wanted + "\" not found"
                : "no storage driver can serve this bundle (" + (plan.vm().image() != null ? "vm.image" : "rootfs directory") + ")");
    }

    static NetworkProvider networkFor(Context ctx, NetworkRequest req, SandboxPlan plan) {
        String wanted = plan.annotations().get(AnnotationsHandler.NETWORK);
        if (wanted == null || wanted.equals("none")) return null;
        for (NetworkProvider n : ctx.plugins().networks()) if (n.name().equals(wanted) && n.supports(req)) return n;
        throw new CocoonException("network driver \"" + wanted + "\" not found");
    }

    private static String str(Path p) {
        return p == null ? "" : p.toString();
    }
}
