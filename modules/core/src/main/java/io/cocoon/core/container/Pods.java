package io.cocoon.core.container;

import io.cocoon.core.agent.Proto;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a pod member: a container whose spec joins the namespaces of another live Cocoon
 * container of the same root, which then runs inside that container's VM (docs/kubernetes.md).
 * Two VMs cannot share one network namespace's interfaces or {@code localhost}, so the pod's
 * containers share one VM, as Kata's do; here behind the plain runc command line.
 *
 * <p>Recognised from, in order: CRI's annotations ({@code io.kubernetes.cri.container-type} =
 * {@code container} with {@code io.kubernetes.cri.sandbox-id}); a namespace {@code path} of the
 * form {@code /proc/<pid>/ns/<type>} whose pid is a Cocoon container's monitor (what CRI and
 * podman write for ipc/uts, and CRI for net); a network namespace path that a Cocoon container's
 * VM already serves (podman's pod netns, {@code /run/netns/netns-...}).
 */
public final class Pods {
    public static final String CRI_TYPE = "io.kubernetes.cri.container-type";
    public static final String CRI_SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    /** CRI-O's, which podman also writes for a pod's infra container and its members. */
    public static final String CRIO_TYPE = "io.kubernetes.cri-o.ContainerType";
    public static final String CRIO_SANDBOX_ID = "io.kubernetes.cri-o.SandboxID";
    private static final Pattern PROC_NS = Pattern.compile("/proc/(\\d+)/ns/(\\w+)");

    /**
     * The sandbox a member runs in.
     *
     * @param joinNs the guest namespaces (CLONE_NEW* flags: IPC, UTS, PID) the member shares with it
     */
    public record Sandbox(String id, Path stateDir, int joinNs) {}

    private Pods() {}

    /** The sandbox this spec makes its container a member of, or null: a container with its own VM. */
    public static Sandbox find(StateStore store, Spec spec) {
        Map<String, String> ann = spec.annotations();
        List<Linux.Namespace> nss = spec.linux() == null ? List.of() : spec.linux().namespaces();
        if (nss.stream().noneMatch(n -> n.path() != null && !n.path().isEmpty()) && !ann.containsKey(CRI_SANDBOX_ID)
                && !ann.containsKey(CRIO_SANDBOX_ID)) {
            return null; // the common case: nothing to look up
        }
        if ("sandbox".equals(ann.get(CRI_TYPE)) || "sandbox".equals(ann.get(CRIO_TYPE))) return null;
        Map<Long, String> byMonitor = new LinkedHashMap<>();
        Map<String, String> byNetns = new LinkedHashMap<>();
        for (String id : store.list()) {
            ContainerRecord r;
            try {
                r = store.read(id);
            } catch (RuntimeException e) {
                continue;
            }
            ContainerStatus st = Container.status(r);
            if (!st.hostsPod()) continue;
            byMonitor.put(r.pid(), id);
            String netns = netnsOf(store.dir(id));
            if (netns != null) byNetns.put(netns, id);
        }
        String sandbox = null;
        String criSandbox = "container".equals(ann.get(CRI_TYPE)) ? ann.get(CRI_SANDBOX_ID)
                : "container".equals(ann.get(CRIO_TYPE)) ? ann.get(CRIO_SANDBOX_ID) : null;
        if (criSandbox != null && byMonitor.containsValue(criSandbox)) sandbox = criSandbox;
        else if (criSandbox != null && store.exists(criSandbox)) {
            // its own VM would have none of the pod's network: refuse, as runc cannot join a dead namespace
            throw ContainerError.invalid("the pod's sandbox " + criSandbox + " is not running");
        }
        List<String> joined = new ArrayList<>();
        for (Linux.Namespace n : nss) {
            if (n.path() == null || n.path().isEmpty()) continue;
            String owner = owner(n.path(), byMonitor, byNetns);
            if (owner == null) continue;
            if (sandbox == null) sandbox = owner;
            if (owner.equals(sandbox)) joined.add(n.type());
        }
        if (sandbox == null) return null;
        sandbox = rootOf(store, sandbox);
        int flags = 0;
        for (String t : joined) {
            flags |= switch (t) {
                case "ipc" -> Proto.CLONE_NEWIPC;
                case "uts" -> Proto.CLONE_NEWUTS;
                case "pid" -> Proto.CLONE_NEWPID;
                default -> 0;
            };
        }
        return new Sandbox(sandbox, store.dir(sandbox), flags);
    }

    /** The container whose monitor or VM owns a namespace path, or null. */
    private static String owner(String path, Map<Long, String> byMonitor, Map<String, String> byNetns) {
        Matcher m = PROC_NS.matcher(path);
        if (m.matches()) return byMonitor.get(Long.parseLong(m.group(1)));
        return byNetns.get(canonical(path));
    }

    /** /var/run/netns/x and /run/netns/x are one namespace. */
    static String canonical(String p) {
        try {
            return Path.of(p).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return Path.of(p).normalize().toString();
        }
    }

    /** A member's own sandbox: joining a member's namespaces is joining its pod. */
    private static String rootOf(StateStore store, String id) {
        try {
            String sb = LaunchSpec.read(store.dir(id)).sandbox();
            return sb == null ? id : sb;
        } catch (IOException | RuntimeException e) {
            return id;
        }
    }

    /** The network namespace a container's VM runs in, from its resources.json (an engine's path). */
    private static String netnsOf(Path stateDir) {
        Path f = stateDir.resolve(ContainerFiles.RESOURCES);
        if (!Files.exists(f)) return null;
        try {
            String p = Cleanup.Resources.read(f).netnsPath();
            return p == null ? null : canonical(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
