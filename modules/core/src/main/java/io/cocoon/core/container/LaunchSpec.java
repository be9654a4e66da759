package io.cocoon.core.container;

import io.cocoon.core.cgroup.HostCgroup;
import io.cocoon.spi.oci.Spec;

import io.cocoon.spi.HostBind;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code create} hands the monitor in {@code launch.json}: the VM to boot, the agent CREATE
 * payload, and how stdio is wired. Create does all parsing and validation; the monitor only
 * executes, so it starts fast and never needs the config parser.
 *
 * @param create the encoded CREATE payload (docs/agent-protocol.md)
 * @param consoleSocket runc's {@code --console-socket}, or null
 * @param hostLimits limits of the host cgroup that holds the monitor and the hypervisor
 * @param guestUpdate an UPDATE payload applied right after CREATE (CPU limits), or empty
 * @param hooks the spec's hooks, parsed once by create: the monitor runs the create/start ones,
 *     delete the poststop ones, and neither parses config.json again
 * @param hostBinds the storage driver's host-side binds, made by the monitor in its own mount
 *     namespace before it starts the hypervisor (a pod member's: by its sandbox's monitor)
 * @param sandbox a pod member's sandbox container (whose VM it runs in), or null for a container
 *     with a VM of its own
 * @param lateNetwork planned as {@code create} plans, for a network an engine may attach before
 *     {@code start} (the network driver keeps a standby NIC); false when planned to start at once
 *     ({@code run}, also {@code run --detach}). A checkpoint records it, so that restore plans the
 *     same VM.
 */
public record LaunchSpec(String id, String ociVersion, String bundle, String rootfs, String hypervisor, VmPlan vm,
                         byte[] create, boolean terminal, String consoleSocket, long bootTimeoutMs,
                         String cgroupsPath, Map<String, String> annotations, HostCgroup.Limits hostLimits,
                         byte[] guestUpdate, Spec.Hooks hooks, List<HostBind> hostBinds, String sandbox,
                         boolean lateNetwork) {
    /** The hypervisor name a pod member records: it has no VM of its own. */
    public static final String POD_MEMBER = "pod-member";

    /** A container with a VM of its own. */
    public LaunchSpec(String id, String ociVersion, String bundle, String rootfs, String hypervisor, VmPlan vm,
                      byte[] create, boolean terminal, String consoleSocket, long bootTimeoutMs,
                      String cgroupsPath, Map<String, String> annotations, HostCgroup.Limits hostLimits,
                      byte[] guestUpdate, Spec.Hooks hooks, List<HostBind> hostBinds, boolean lateNetwork) {
        this(id, ociVersion, bundle, rootfs, hypervisor, vm, create, terminal, consoleSocket, bootTimeoutMs, cgroupsPath,
                annotations, hostLimits, guestUpdate, hooks, hostBinds, null, lateNetwork);
    }

    public boolean isPodMember() {
        return sandbox != null;
    }

    /** Reads {@code launch.json} from a container's state directory. */
    public static LaunchSpec read(Path stateDir) throws java.io.IOException {
        return fromJson(java.nio.file.Files.readString(stateDir.resolve(io.cocoon.core.state.ContainerFiles.LAUNCH)));
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("ociVersion", ociVersion);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("hypervisor", hypervisor);
        m.put("vm", vmJson(vm));
        m.put("create", Base64.getEncoder().encodeToString(create));
        m.put("terminal", terminal);
        m.put("consoleSocket", consoleSocket);
        m.put("bootTimeoutMs", bootTimeoutMs);
        m.put("cgroupsPath", cgroupsPath);
        m.put("annotations", annotations);
        Map<String, Object> hl = new java.util.LinkedHashMap<>(Map.of("memoryBytes", hostLimits.memoryBytes(), "cpuQuota",
                hostLimits.cpuQuota(), "cpuPeriod", hostLimits.cpuPeriod(), "cpuShares", hostLimits.cpuShares(), "pids", hostLimits.pids()));
        if (hostLimits.cpus() != null) hl.put("cpus", hostLimits.cpus());
        if (hostLimits.mems() != null) hl.put("mems", hostLimits.mems());
        m.put("hostLimits", hl);
        m.put("guestUpdate", Base64.getEncoder().encodeToString(guestUpdate));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("prestart", hooksJson(hooks.prestart()));
        h.put("createRuntime", hooksJson(hooks.createRuntime()));
        h.put("createContainer", hooksJson(hooks.createContainer()));
        h.put("startContainer", hooksJson(hooks.startContainer()));
        h.put("poststart", hooksJson(hooks.poststart()));
        h.put("poststop", hooksJson(hooks.poststop()));
        m.put("hooks", h);
        List<Object> binds = new ArrayList<>();
        for (HostBind b : hostBinds) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("source", b.source().toString());
            bm.put("target", b.target().toString());
            bm.put("readonly", b.readonly());
            bm.put("recursive", b.recursive());
            binds.add(bm);
        }
        m.put("hostBinds", binds);
        if (sandbox != null) m.put("sandbox", sandbox);
        m.put("lateNetwork", lateNetwork);
        return Json.pretty(m);
    }

    public static LaunchSpec fromJson(String text) {
        Map<String, Object> m = Json.parseObject(text);
        Map<String, String> ann = new LinkedHashMap<>();
        JsonValues.map(m, "annotations").forEach((k, v) -> ann.put(k, String.valueOf(v)));
        return new LaunchSpec(
                JsonValues.string(m, "id").orElseThrow(),
                JsonValues.string(m, "ociVersion").orElse(""),
                JsonValues.string(m, "bundle").orElse(""),
                JsonValues.string(m, "rootfs").orElse(""),
                JsonValues.string(m, "hypervisor").orElseThrow(),
                vmFrom(JsonValues.map(m, "vm")),
                Base64.getDecoder().decode(JsonValues.string(m, "create").orElseThrow()),
                JsonValues.bool(m, "terminal"),
                JsonValues.string(m, "consoleSocket").orElse(null),
                JsonValues.number(m, "bootTimeoutMs").orElse(30_000L),
                JsonValues.string(m, "cgroupsPath").orElse(null),
                ann,
                new HostCgroup.Limits(JsonValues.number(JsonValues.map(m, "hostLimits"), "memoryBytes").orElse(0L),
                        JsonValues.number(JsonValues.map(m, "hostLimits"), "cpuQuota").orElse(0L),
                        JsonValues.number(JsonValues.map(m, "hostLimits"), "cpuPeriod").orElse(0L),
                        JsonValues.number(JsonValues.map(m, "hostLimits"), "cpuShares").orElse(0L),
                        JsonValues.number(JsonValues.map(m, "hostLimits"), "pids").orElse(0L),
                        JsonValues.string(JsonValues.map(m, "hostLimits"), "cpus").orElse(null),
                        JsonValues.string(JsonValues.map(m, "hostLimits"), "mems").orElse(null)),
                Base64.getDecoder().decode(JsonValues.string(m, "guestUpdate").orElse("")),
                hooksFrom(JsonValues.map(m, "hooks")), bindsFrom(m), JsonValues.string(m, "sandbox").orElse(null),
                JsonValues.bool(m, "lateNetwork"));
    }

    private static List<HostBind> bindsFrom(Map<String, Object> m) {
        List<HostBind> out = new ArrayList<>();
        for (Object o : JsonValues.list(m, "hostBinds")) {
            out.add(new HostBind(Path.of(JsonValues.string(o, "source").orElseThrow()), Path.of(JsonValues.string(o, "target").orElseThrow()),
                    JsonValues.bool(o, "readonly"), JsonValues.bool(o, "recursive")));
        }
        return List.copyOf(out);
    }

    private static List<Object> hooksJson(List<Spec.Hook> hooks) {
        List<Object> out = new ArrayList<>();
        for (Spec.Hook k : hooks) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("path", k.path());
            hm.put("args", k.args());
            hm.put("env", k.env());
            if (k.timeout() != null) hm.put("timeout", (long) k.timeout());
            out.add(hm);
        }
        return out;
    }

    private static Spec.Hooks hooksFrom(Map<String, Object> m) {
        return new Spec.Hooks(hookList(m, "prestart"), hookList(m, "createRuntime"), hookList(m, "createContainer"),
                hookList(m, "startContainer"), hookList(m, "poststart"), hookList(m, "poststop"));
    }

    private static List<Spec.Hook> hookList(Map<String, Object> m, String point) {
        List<Spec.Hook> out = new ArrayList<>();
        for (Object o : JsonValues.list(m, point)) {
            out.add(new Spec.Hook(JsonValues.string(o, "path").orElseThrow(), strings(o, "args"), strings(o, "env"),
                    JsonValues.number(o, "timeout").map(Long::intValue).orElse(null)));
        }
        return List.copyOf(out);
    }

    static Map<String, Object> vmJson(VmPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("uuid", p.uuid());
        m.put("stateDir", str(p.stateDir()));
        m.put("vcpus", (long) p.vcpus());
        m.put("memoryMiB", p.memoryMiB());
        m.put("kernel", str(p.kernel()));
        m.put("initrd", str(p.initrd()));
        m.put("kernelParams", p.kernelParams());
        m.put("hypervisorPath", str(p.hypervisorPath()));
        m.put("hypervisorParams", p.hypervisorParams());
        m.put("template", p.template());
        List<Object> devs = new ArrayList<>();
        for (VmDevice d : p.devices()) {
            Map<String, Object> dm = new LinkedHashMap<>();
            if (d instanceof VmDevice.Share s) {
                dm.put("kind", "share");
                dm.put("tag", s.tag());
                dm.put("path", s.hostPath().toString());
                dm.put("readonly", s.readonly());
            } else if (d instanceof VmDevice.NetTap t) {
                dm.put("kind", "tap");
                dm.put("tap", t.tap());
                dm.put("mac", t.mac());
                dm.put("mtu", (long) t.mtu());
            } else if (d instanceof VmDevice.Disk k) {
                dm.put("kind", "disk");
                dm.put("path", k.path().toString());
                dm.put("readonly", k.readonly());
                dm.put("format", k.format());
            }
            devs.add(dm);
        }
        m.put("devices", devs);
        m.put("agentSocket", str(p.agentSocket()));
        m.put("consoleLog", str(p.consoleLog()));
        m.put("hypervisorLog", str(p.hypervisorLog()));
        m.put("accelerator", p.accelerator());
        m.put("workloadDir", str(p.workloadDir()));
        m.put("bootTimeoutMs", p.bootTimeout().toMillis());
        m.put("annotations", p.annotations());
        m.put("netns", str(p.netns()));
        return m;
    }

    static VmPlan vmFrom(Map<String, Object> m) {
        List<VmDevice> devs = new ArrayList<>();
        for (Object o : JsonValues.list(m, "devices")) {
            String kind = JsonValues.string(o, "kind").orElse("");
            switch (kind) {
                case "share" -> devs.add(new VmDevice.Share(JsonValues.string(o, "tag").orElseThrow(),
                        Path.of(JsonValues.string(o, "path").orElseThrow()), JsonValues.bool(o, "readonly")));
                case "tap" -> devs.add(new VmDevice.NetTap(JsonValues.string(o, "tap").orElseThrow(),
                        JsonValues.string(o, "mac").orElse(null), JsonValues.number(o, "mtu").orElse(1500L).intValue()));
                case "disk" -> devs.add(new VmDevice.Disk(Path.of(JsonValues.string(o, "path").orElseThrow()),
                        JsonValues.bool(o, "readonly"), JsonValues.string(o, "format").orElse("raw")));
                default -> throw new IllegalArgumentException("unknown device kind " + kind);
            }
        }
        Map<String, String> ann = new LinkedHashMap<>();
        JsonValues.map(m, "annotations").forEach((k, v) -> ann.put(k, String.valueOf(v)));
        return new VmPlan(
                JsonValues.string(m, "id").orElseThrow(),
                JsonValues.string(m, "uuid").orElse(""),
                path(m, "stateDir"),
                JsonValues.number(m, "vcpus").orElse(1L).intValue(),
                JsonValues.number(m, "memoryMiB").orElse(io.cocoon.spi.VmSettings.DEFAULT_MEMORY_MIB),
                path(m, "kernel"),
                path(m, "initrd"),
                strings(m, "kernelParams"),
                path(m, "hypervisorPath"),
                strings(m, "hypervisorParams"),
                strings(m, "template"),
                devs,
                path(m, "agentSocket"),
                path(m, "consoleLog"),
                path(m, "hypervisorLog"),
                JsonValues.string(m, "accelerator").orElse("auto"),
                path(m, "workloadDir"),
                Duration.ofMillis(JsonValues.number(m, "bootTimeoutMs").orElse(30_000L)),
                ann,
                path(m, "netns"));
    }

    private static List<String> strings(Object m, String key) {
        return JsonValues.list(m, key).stream().map(String::valueOf).toList();
    }

    private static Path path(Map<String, Object> m, String key) {
        return JsonValues.string(m, key).map(Path::of).orElse(null);
    }

    private static String str(Path p) {
        return p == null ? null : p.toString();
    }
}
