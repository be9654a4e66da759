package io.cocoon.core.agent;

import io.cocoon.core.cgroup.CgroupValues;
import io.cocoon.core.model.ResourceUpdate;
import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.core.spec.LinuxNames;
import io.cocoon.spi.GuestMount;
import io.cocoon.spi.NetworkSetup;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.util.List;
import java.util.Map;

/**
 * Encodes the agent's request payloads (docs/agent-protocol.md): CREATE from a plan, the
 * PROCESS of CREATE and EXEC, and UPDATE. The one place these TLVs are built.
 */
public final class AgentPayloads {
    private AgentPayloads() {}

    public static Tlv.Writer create(SandboxPlan plan, StoragePlan storage, Spec.Process process, boolean stdin) {
        return create(plan, storage, NetworkSetup.NONE, process, stdin);
    }

    public static Tlv.Writer create(SandboxPlan plan, StoragePlan storage, NetworkSetup net, Spec.Process process, boolean stdin) {
        Tlv.Writer w = new Tlv.Writer();
        for (NetworkSetup.NetInterface n : net.interfaces()) w.nested(Proto.T_NETIF, netif(n));
        String resolv = resolvConf(plan, net);
        if (resolv != null) w.nested(Proto.T_FILE, file("/etc/resolv.conf", 0644, resolv));
        for (io.cocoon.spi.GuestFile f : storage.files()) {
            w.nested(Proto.T_FILE, file(f.path(), f.mode(), f.data()));
        }
        for (GuestMount m : storage.shares()) w.nested(Proto.T_SHARE, mount(m));
        w.nested(Proto.T_ROOTFS, mount(storage.rootfs()));
        for (GuestMount m : storage.mounts()) w.nested(Proto.T_MOUNT, mount(m));
        if (!plan.hostname().isEmpty()) w.str(Proto.T_HOSTNAME, plan.hostname());
        if (!plan.domainname().isEmpty()) w.str(Proto.T_DOMAINNAME, plan.domainname());
        for (Map.Entry<String, String> e : plan.sysctl().entrySet()) w.str(Proto.T_SYSCTL, e.getKey() + "=" + e.getValue());
        w.strs(Proto.T_MASKED_PATH, plan.maskedPaths());
        w.strs(Proto.T_READONLY_PATH, plan.readonlyPaths());
        w.u32(Proto.T_NAMESPACES, namespaceFlags(plan));
        if (plan.extensions().get(io.cocoon.core.spec.NamespacesHandler.ID_MAPS) instanceof io.cocoon.core.spec.NamespacesHandler.IdMaps maps) {
            w.str(Proto.T_UID_MAP, maps.uidMap()).str(Proto.T_GID_MAP, maps.gidMap());
        }
        w.flag(Proto.T_ROOT_READONLY, plan.rootReadonly());
        w.u64(Proto.T_PROPAGATION, MountOptions.propagation(plan.rootfsPropagation()));
        Linux.Resources r = plan.resources();
        if (r.memory() != null && r.memory().limit() != null && r.memory().limit() > 0) {
            w.u64(Proto.T_CGROUP_MEMORY_MAX, r.memory().limit());
        }
        if (r.memory() != null && r.memory().reservation() != null && r.memory().reservation() > 0) {
            w.u64(Proto.T_CGROUP_MEMORY_LOW, r.memory().reservation());
        }
        if (r.pids() != null && r.pids().limit() > 0) w.u64(Proto.T_CGROUP_PIDS_MAX, r.pids().limit());
        for (Linux.Device d : plan.devices()) w.nested(Proto.T_DEVICE, device(d));
        for (Linux.DeviceRule d : deviceRules(r.devices(), plan.devices())) w.nested(Proto.T_DEVICE_RULE, deviceRule(d));
        SeccompCompiler.Program seccomp = (SeccompCompiler.Program) plan.extensions().get(io.cocoon.core.spec.SeccompHandler.PROGRAM);
        w.nested(Proto.T_PROCESS, process(process, seccomp, stdin));
        return w;
    }

    /**
     * The encoded CREATE, checked against the frame limit before anything is launched: an
     * environment (or argument list) too big for one frame is refused naming the field, the size
     * and the limit, not as a framing error after the VM has booted.
     */
    public static byte[] fit(Tlv.Writer create, Spec.Process process) {
        byte[] b = create.toBytes();
        if (b.length <= Frame.MAX_PAYLOAD) return b;
        long env = process.env().stream().mapToLong(e -> e.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4L).sum();
        long args = process.args().stream().mapToLong(a -> a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4L).sum();
        String field = env >= args ? "process.env" : "process.args";
        throw new io.cocoon.spi.SpecException(field, (Math.max(env, args) >> 10) + " KiB is more than the agent protocol carries ("
                + (Frame.MAX_PAYLOAD >> 20) + " MiB per container spec; Linux's own exec limit is 2 MiB with the default 8 MiB stack)");
    }

    /**
     * The storage plan with its 9p shares mounted over the hypervisor's transport
     * ({@code Hypervisor.shareTransport}): a storage driver writes {@code trans=virtio} without
     * knowing which hypervisor runs the guest.
     */
    public static StoragePlan withShareTransport(StoragePlan sp, String transport) {
        List<GuestMount> shares = new java.util.ArrayList<>();
        for (GuestMount m : sp.shares()) {
            if (!m.type().equals("9p")) {
                shares.add(m);
                continue;
            }
            List<String> opts = new java.util.ArrayList<>(m.options().stream().filter(o -> !o.startsWith("trans=")).toList());
            opts.add(0, "trans=" + transport);
            shares.add(new GuestMount(m.type(), m.source(), m.destination(), opts, m.staging(), m.mkdir(), m.sourceIsFile()));
        }
        return new StoragePlan(sp.rootfs(), sp.mounts(), sp.devices(), shares, sp.hostBinds(), sp.files());
    }

    static int namespaceFlags(SandboxPlan plan) {
        int f = 0;
        for (String ns : plan.namespaces()) {
            f |= switch (ns) {
                case "pid" -> Proto.CLONE_NEWPID;
                case "mount" -> Proto.CLONE_NEWNS;
                case "ipc" -> Proto.CLONE_NEWIPC;
                case "uts" -> Proto.CLONE_NEWUTS;
                case "cgroup" -> Proto.CLONE_NEWCGROUP;
                case "user" -> Proto.CLONE_NEWUSER;
                default -> 0;
            };
        }
        // The agent always needs a private mount namespace to build the container's root.
        return f | Proto.CLONE_NEWNS;
    }

    /** A NETCONF request: interfaces attached after CREATE (a standby NIC taking its address). */
    public static Tlv.Writer netconf(java.util.List<NetworkSetup.NetInterface> interfaces) {
        Tlv.Writer w = new Tlv.Writer();
        for (NetworkSetup.NetInterface n : interfaces) w.nested(Proto.T_NETIF, netif(n));
        return w;
    }

    static Tlv.Writer netif(NetworkSetup.NetInterface n) {
        Tlv.Writer w = new Tlv.Writer().str(Proto.N_NAME, n.guestName()).str(Proto.N_MAC, n.mac()).u32(Proto.N_MTU, n.mtu());
        w.flag(Proto.N_DOWN, !n.up());
        if (n.newMac() != null) w.str(Proto.N_NEW_MAC, n.newMac());
        w.strs(Proto.N_ADDR, n.addresses());
        for (NetworkSetup.Route r : n.routes()) {
            Tlv.Writer rw = new Tlv.Writer().str(Proto.R_DST, r.destination());
            if (r.gateway() != null) rw.str(Proto.R_GW, r.gateway());
            w.nested(Proto.N_ROUTE, rw);
        }
        return w;
    }

    static Tlv.Writer file(String path, int mode, String content) {
        return new Tlv.Writer().str(Proto.F_PATH, path).u32(Proto.F_MODE, mode).str(Proto.F_DATA, content);
    }

    /** A copied file: its bytes as they are (a host file may hold anything). */
    static Tlv.Writer file(String path, int mode, byte[] content) {
        return new Tlv.Writer().str(Proto.F_PATH, path).u32(Proto.F_MODE, mode).bytes(Proto.F_DATA, content);
    }

    /**
     * The guest's /etc/resolv.conf: the engine's bind mount when it has one (podman, CRI), else
     * one written from the network driver's DNS (CNI's result), else the rootfs's own.
     */
    static String resolvConf(SandboxPlan plan, NetworkSetup net) {
        if (net.dns().isEmpty()) return null;
        for (Spec.Mount m : plan.mounts()) if (m.destination().equals("/etc/resolv.conf")) return null;
        StringBuilder sb = new StringBuilder();
        for (String ns : net.dns()) sb.append("nameserver ").append(ns).append('\n');
        if (!net.searchDomains().isEmpty()) sb.append("search ").append(String.join(" ", net.searchDomains())).append('\n');
        return sb.toString();
    }

    static Tlv.Writer device(Linux.Device d) {
        Tlv.Writer w = new Tlv.Writer().str(Proto.D_PATH, d.path()).str(Proto.D_TYPE, d.type());
        if (d.major() != null) w.u64(Proto.D_MAJOR, d.major());
        if (d.minor() != null) w.u64(Proto.D_MINOR, d.minor());
        w.u32(Proto.D_MODE, d.fileMode() == null ? 0666 : d.fileMode());
        w.u32(Proto.D_UID, d.uid() == null ? 0 : d.uid());
        w.u32(Proto.D_GID, d.gid() == null ? 0 : d.gid());
        return w;
    }

    /**
     * runc's device cgroup: the spec's rules, then the devices every container may use (runc's
     * {@code AllowedDevices}: mknod of anything, null, zero, full, random, urandom, tty, ptmx, the
     * pts), then each node of {@code linux.devices}. Nothing at all when the spec has no rules:
     * then every device is allowed, as the rules above would say anyway.
     */
    static java.util.List<Linux.DeviceRule> deviceRules(java.util.List<Linux.DeviceRule> spec, java.util.List<Linux.Device> nodes) {
        if (spec.isEmpty()) return java.util.List.of();
        java.util.List<Linux.DeviceRule> out = new java.util.ArrayList<>(spec);
        out.add(new Linux.DeviceRule(true, "c", null, null, "m"));
        out.add(new Linux.DeviceRule(true, "b", null, null, "m"));
        long[][] chars = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}};
        for (long[] c : chars) out.add(new Linux.DeviceRule(true, "c", c[0], c[1], "rwm"));
        out.add(new Linux.DeviceRule(true, "c", 136L, null, "rwm"));
        for (Linux.Device d : nodes) {
            if (d.type().equals("p")) continue;
            out.add(new Linux.DeviceRule(true, d.type().equals("b") ? "b" : "c", d.major(), d.minor(), "rwm"));
        }
        return out;
    }

    /** A device cgroup rule; -1 (or absent) major/minor means any, as runc reads them. */
    static Tlv.Writer deviceRule(Linux.DeviceRule d) {
        Tlv.Writer w = new Tlv.Writer().flag(Proto.DR_ALLOW, d.allow()).str(Proto.DR_TYPE, d.type() == null ? "a" : d.type());
        if (d.major() != null && d.major() >= 0) w.u64(Proto.DR_MAJOR, d.major());
        if (d.minor() != null && d.minor() >= 0) w.u64(Proto.DR_MINOR, d.minor());
        w.str(Proto.DR_ACCESS, d.access() == null || d.access().isEmpty() ? "rwm" : d.access());
        return w;
    }

    /** The root itself is mounted read-write; ROOT_READONLY remounts it after the mounts. */
    static Tlv.Writer mount(GuestMount m) {
        MountOptions o = MountOptions.parse(m.options());
        long flags = o.flags();
        String type = m.type();
        if ((flags & MountOptions.MS_BIND) != 0) type = "bind";
        Tlv.Writer w = new Tlv.Writer()
                .str(Proto.M_TYPE, type)
                .str(Proto.M_SOURCE, m.source())
                .str(Proto.M_DEST, m.destination())
                .u64(Proto.M_FLAGS, flags)
                .str(Proto.M_DATA, o.data());
        if (o.propagation() != 0) w.u64(Proto.M_PROPAGATION, o.propagation());
        w.flag(Proto.M_STAGING, m.staging());
        w.flag(Proto.M_MKDIR, m.mkdir());
        return w;
    }

    /** The PROCESS field of CREATE and EXEC. */
    public static Tlv.Writer process(Spec.Process p, SeccompCompiler.Program seccomp, boolean stdin) {
        Tlv.Writer w = new Tlv.Writer();
        w.strs(Proto.P_ARG, p.args());
        w.strs(Proto.P_ENV, p.env());
        w.str(Proto.P_CWD, p.cwd());
        w.u32(Proto.P_UID, p.user().uid());
        w.u32(Proto.P_GID, p.user().gid());
        for (Long g : p.user().additionalGids()) w.u32(Proto.P_AGID, g);
        w.u32(Proto.P_UMASK, p.user().umask() == null ? 022 : p.user().umask());
        for (Spec.Rlimit r : p.rlimits()) {
            w.nested(Proto.P_RLIMIT, new Tlv.Writer()
                    .u32(Proto.RL_TYPE, LinuxNames.RLIMITS.get(r.type()))
                    .u64(Proto.RL_SOFT, r.soft())
                    .u64(Proto.RL_HARD, r.hard()));
        }
        Spec.Capabilities c = p.capabilities();
        w.u64(Proto.P_CAP_BOUNDING, LinuxNames.capabilityMask(c.bounding()));
        w.u64(Proto.P_CAP_EFFECTIVE, LinuxNames.capabilityMask(c.effective()));
        w.u64(Proto.P_CAP_PERMITTED, LinuxNames.capabilityMask(c.permitted()));
        w.u64(Proto.P_CAP_INHERITABLE, LinuxNames.capabilityMask(c.inheritable()));
        w.u64(Proto.P_CAP_AMBIENT, LinuxNames.capabilityMask(c.ambient()));
        w.flag(Proto.P_NO_NEW_PRIVS, p.noNewPrivileges());
        if (p.oomScoreAdj() != null) w.u32(Proto.P_OOM_SCORE_ADJ, p.oomScoreAdj());
        if (seccomp != null) {
            w.bytes(Proto.P_SECCOMP_BPF, seccomp.filter());
            w.u32(Proto.P_SECCOMP_FLAGS, seccomp.flags());
        }
        w.flag(Proto.P_TERMINAL, p.terminal());
        w.flag(Proto.P_STDIN, stdin);
        if (p.terminal() && p.consoleSize() != null) {
            w.u32(Proto.P_ROWS, p.consoleSize().height());
            w.u32(Proto.P_COLS, p.consoleSize().width());
        }
        if (p.user().username() != null) w.str(Proto.P_USER_NAME, p.user().username());
        return w;
    }

    /**
     * UPDATE: new limits of the container's guest cgroup. Negative memory/pids mean "no limit"
     * (0 on the wire); CPU shares become a v2 weight as runc converts them.
     */
    public static Tlv.Writer update(ResourceUpdate u) {
        Tlv.Writer w = new Tlv.Writer();
        Long memory = ResourceUpdate.nz(u.memory());
        if (memory != null) w.u64(Proto.T_CGROUP_MEMORY_MAX, Math.max(0, memory));
        Long pids = ResourceUpdate.nz(u.pids());
        if (pids != null) w.u64(Proto.T_CGROUP_PIDS_MAX, Math.max(0, pids));
        if (u.cpuQuota() != null || u.cpuPeriod() != null) {
            w.str(Proto.T_CPU_MAX, CgroupValues.cpuMax(u.cpuQuota(), u.cpuPeriod()));
        }
        Long shares = ResourceUpdate.nz(u.cpuShares());
        if (shares != null) w.u64(Proto.T_CPU_WEIGHT, CgroupValues.weight(shares));
        return w;
    }

    /** Env with runc's defaults: HOME from the container's /etc/passwd when missing. */
    public static List<String> withHome(List<String> env, String home) {
        for (String e : env) if (e.startsWith("HOME=")) return env;
        List<String> out = new java.util.ArrayList<>(env);
        out.add("HOME=" + home);
        return List.copyOf(out);
    }
}
