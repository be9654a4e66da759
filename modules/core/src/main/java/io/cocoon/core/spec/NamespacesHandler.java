package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;

/**
 * {@code linux.namespaces}: pid, mount, ipc, uts and cgroup namespaces are created inside the
 * guest. The network namespace is the VM's; a network namespace path the engine prepared is
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
                case "user" -> plan.warn(path, "user namespaces are not created in the guest; ids are not remapped");
                case "time" -> plan.warn(path, "time namespaces are not created in the guest");
                default -> {
                    if (joins) plan.warn(path + ".path", "cannot join " + ns.path() + " from a VM; using a private " + ns.type() + " namespace");
                    plan.namespaces().add(ns.type());
                }
            }
        }
        if (!spec.linux().uidMappings().isEmpty() || !spec.linux().gidMappings().isEmpty()) {
            plan.warn("linux.uidMappings", "id mappings are ignored in the guest");
        }
    }
}
