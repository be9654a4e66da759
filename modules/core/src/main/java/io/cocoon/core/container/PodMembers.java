package io.cocoon.core.container;

import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.cgroup.HostCgroup;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.log.Timing;
import io.cocoon.core.model.CreateOptions;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.NetworkSetup;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.StorageProvider;
import io.cocoon.spi.VmPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The host side of creating a pod member ({@link Pods}): no VM, no network of its own. Its
 * rootfs and binds are laid out by the sandbox's storage driver in the sandbox's share, under
 * the member's id, and its CREATE goes to the sandbox's agent through the sandbox's monitor
 * (which mounts the pieces there). Resource limits become the member's guest cgroup; the VM keeps
 * the sandbox's size (docs/kubernetes.md).
 */
final class PodMembers {
    private PodMembers() {}

    static Creation.Prepared prepare(ContainerRuntime rt, BundleReader.Read read, Pods.Sandbox sb, CreateOptions o,
                                     Consumer<LaunchSpec> early) {
        StateStore store = rt.store();
        String id = read.id();
        SandboxPlan plan = read.plan();
        LaunchSpec sandbox;
        Cleanup.Resources sandboxRes;
        try {
            sandbox = LaunchSpec.read(sb.stateDir());
            sandboxRes = Cleanup.Resources.read(sb.stateDir().resolve(ContainerFiles.RESOURCES));
        } catch (IOException | RuntimeException e) {
            throw new ContainerError(ContainerError.Kind.INVALID, "the pod's sandbox " + sb.id() + " has no readable state: " + e.getMessage());
        }
        StorageProvider storage = rt.plugins().storages().stream().filter(s -> s.name().equals(sandboxRes.storage())).findFirst()
                .orElseThrow(() -> ContainerError.invalid("the sandbox " + sb.id() + "'s storage driver " + sandboxRes.storage() + " is not loaded"));
        if (!storage.supports(plan) || plan.vm().image() != null) {
            throw ContainerError.unsupported("a pod member's rootfs must be a directory shared through its sandbox's VM"
                    + " (vm.image is a disk of its own, which the running VM cannot take)");
        }
        StateStore.Lock lock = store.create(id);
        try {
            Path dir = store.dir(id);
            Path share = sb.stateDir().resolve("shared").resolve(id);
            // first, so that a crash leaves a record of the directory made in the sandbox's share
            AtomicFiles.write(dir.resolve(ContainerFiles.RESOURCES), new Cleanup.Resources(null, null, null, null,
                    plan.annotations(), share.toString()).toJson());
            StoragePlan sp = storage.prepare(plan, sb.stateDir());
            byte[] create = AgentPayloads.fit(AgentPayloads.create(plan, sp, NetworkSetup.NONE, read.process(), true)
                    .u32(Proto.T_JOIN_NS, sb.joinNs()), read.process());
            Files.createDirectories(store.socketDir(id));
            VmPlan sv = sandbox.vm();
            VmPlan vm = new VmPlan(id, UUID.nameUUIDFromBytes(id.getBytes()).toString(), dir, sv.vcpus(), sv.memoryMiB(),
                    sv.kernel(), sv.initrd(), List.of(), null, List.of(), List.of(), List.of(),
                    store.socketDir(sb.id()).resolve("ctl.sock"), sv.consoleLog(), sv.hypervisorLog(), sv.accelerator(),
                    plan.rootfs(), sv.bootTimeout(), plan.annotations(), null);
            LaunchSpec launch = new LaunchSpec(id, read.spec().ociVersion(), read.bundle().toString(), plan.rootfs().toString(),
                    LaunchSpec.POD_MEMBER, vm, create, read.process().terminal(), o.consoleSocket(), sandbox.bootTimeoutMs(),
                    plan.cgroupsPath(), plan.annotations(), HostCgroup.Limits.NONE, Creation.guestCpuUpdate(plan.resources().cpu()),
                    plan.hooks(), sp.hostBinds(), sb.id(), false);
            Timing.mark("pod member planned");
            if (early != null) early.accept(launch);
            long me = ProcessHandle.current().pid();
            ContainerRecord record = new ContainerRecord(read.spec().ociVersion(), id, ContainerStatus.CREATING, me,
                    ProcStat.startTime(me), read.bundle().toString(), plan.rootfs().toString(), Instant.now().toString(),
                    System.getProperty("user.name", "root"), plan.annotations(), LaunchSpec.POD_MEMBER, 0, 0,
                    str(sv.kernel()), str(sv.initrd()), "", "", null);
            store.write(record);
            Files.copy(read.configFile(), dir.resolve(ContainerFiles.CONFIG));
            AtomicFiles.write(dir.resolve(ContainerFiles.LAUNCH), launch.toJson());
            return new Creation.Prepared(id, plan, launch, lock);
        } catch (IOException | RuntimeException e) {
            Creation.abort(rt, id, lock);
            if (e instanceof CocoonException ce) throw ce;
            throw new CocoonException("create " + id + ": " + e.getMessage(), e);
        }
    }

    private static String str(Path p) {
        return p == null ? "" : p.toString();
    }
}
