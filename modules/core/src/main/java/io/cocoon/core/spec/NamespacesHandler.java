package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.util.List;

/**
 * {@code linux.namespaces}: pid, mount, ipc, uts, cgroup and user namespaces are created inside
 * the guest, the user namespace with the spec's {@code uidMappings}/{@code gidMappings} (guest
 * ids: the guest's ids are the container's view of "the host" as runc's are). The network namespace is the VM's; a network namespace path the engine prepared is
 * handed to the network driver. Joining another container's namespaces is impossible across
 * VMs, so it degrades to a private namespace with a warning.
 */
public final class NamespacesHandler implements SpecHandler {
    /**
     * A path must exist and be a namespace of the entry's type, as runc checks: joining an IPC
     * namespace as a cgroup one would fail later and far from the cause.
     */
    static void checkKind(Linux.Namespace ns, String path) {
        java.nio.file.Path p = java.nio.file.Path.of(ns.path());
        if (!java.nio.file.Files.exists(p)) throw new SpecException(path + ".path", ns.path() + " does not exist");
        String want = NamespaceFiles.KERNEL_NAME.get(ns.type());
        String kind = NamespaceFiles.kind(p);
        if (kind == null) throw new SpecException(path + ".path", ns.path() + " is not a namespace");
        if (!kind.equals(want)) {
            throw new SpecException(path + ".path", ns.path() + " is a namespace of kind " + kind + ", not " + want + " (type " + ns.type() + ")");
        }
    }

    @Override public String section() { return "linux.namespaces"; }
    @Override public int order() { return 150; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        if (spec.linux() == null) return;
        for (int i = 0; i < spec.linux().namespaces().size(); i++) {
            Linux.Namespace ns = spec.linux().namespaces().get(i);
            String path = "linux.namespaces[" + i + "]";
            boolean joins = ns.path() != null && !ns.path().isEmpty();
            if (joins) checkKind(ns, path);
            switch (ns.type()) {
                case "network" -> {
                    plan.privateNetwork(true);
                    if (joins) plan.netnsPath(ns.path());
                }
                case "user" -> {
                    if (joins) plan.warn(path + ".path", "cannot join " + ns.path() + " from a VM; using a private user namespace with the spec's id mappings");
                    plan.namespaces().add("user");
                }
                case "time" -> plan.warn(path, "time namespaces are not created in the guest");
                default -> {
                    if (joins) plan.warn(path + ".path", "cannot join " + ns.path() + " from a VM; using a private " + ns.type() + " namespace");
                    plan.namespaces().add(ns.type());
                }
            }
        }
        boolean user = plan.namespaces().contains("user");
        List<Linux.IdMapping> uids = spec.linux().uidMappings(), gids = spec.linux().gidMappings();
        if (!user && (!uids.isEmpty() || !gids.isEmpty())) {
            throw new SpecException(uids.isEmpty() ? "linux.gidMappings" : "linux.uidMappings", "id mappings need a user namespace in linux.namespaces (as runc)");
        }
        if (user) plan.extensions().put(ID_MAPS, new IdMaps(mapFile("linux.uidMappings", uids), mapFile("linux.gidMappings", gids)));
    }

    /** The plan extension holding the user namespace's maps, for the agent's CREATE. */
    public static final String ID_MAPS = "io.cocoon.core.spec.idMaps";

    /** The contents of {@code /proc/PID/uid_map} and {@code gid_map}: "inside outside count" lines. */
    public record IdMaps(String uidMap, String gidMap) {}

    /** The kernel takes at most 340 lines, non-overlapping, each of a size of at least 1. */
    static String mapFile(String field, List<Linux.IdMapping> maps) {
        if (maps.isEmpty()) throw new SpecException(field, "a user namespace needs at least one mapping (as runc)");
        if (maps.size() > 340) throw new SpecException(field, maps.size() + " mappings; the kernel takes at most 340");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < maps.size(); i++) {
            Linux.IdMapping m = maps.get(i);
            String at = field + "[" + i + "]";
            if (m.size() < 1) throw new SpecException(at + ".size", "must be at least 1");
            if (m.containerID() < 0 || m.hostID() < 0 || m.containerID() + m.size() > 0xFFFFFFFFL || m.hostID() + m.size() > 0xFFFFFFFFL) {
                throw new SpecException(at, "ids out of range (0 to 4294967294)");
            }
            for (int j = 0; j < i; j++) {
                Linux.IdMapping o = maps.get(j);
                if (m.containerID() < o.containerID() + o.size() && o.containerID() < m.containerID() + m.size()
                        || m.hostID() < o.hostID() + o.size() && o.hostID() < m.hostID() + m.size()) {
                    throw new SpecException(at, "overlaps " + field + "[" + j + "]");
                }
            }
            sb.append(m.containerID()).append(' ').append(m.hostID()).append(' ').append(m.size()).append('\n');
        }
        return sb.toString();
    }
}
