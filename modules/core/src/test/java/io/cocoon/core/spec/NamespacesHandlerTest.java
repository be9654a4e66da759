package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cocoon.spi.SandboxPlan;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamespacesHandlerTest {
    private final NamespacesHandler handler = new NamespacesHandler();

    private SandboxPlan apply(String linux) {
        SandboxPlan p = plan();
        handler.apply(spec("'linux': {" + linux + "}"), p);
        return p;
    }

    @Test
    void guestNamespacesAreCollectedNetworkIsNot() {
        SandboxPlan p = apply("'namespaces': [{'type': 'pid'}, {'type': 'network'}, {'type': 'ipc'}, {'type': 'uts'},"
                + " {'type': 'mount'}, {'type': 'cgroup'}]");
        assertEquals(Set.of("pid", "ipc", "uts", "mount", "cgroup"), p.namespaces());
        assertNull(p.netnsPath(), "a private network namespace is the VM's own");
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void networkNamespacePathGoesToTheNetworkDriver() {
        SandboxPlan p = apply("'namespaces': [{'type': 'network', 'path': '/run/netns/cni-1234'}]");
        assertEquals("/run/netns/cni-1234", p.netnsPath());
        assertEquals(Set.of(), p.namespaces());
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void joiningAPidNamespaceDegradesWithAWarning() {
        SandboxPlan p = apply("'namespaces': [{'type': 'mount'}, {'type': 'pid', 'path': '/proc/42/ns/pid'}]");
        assertEquals(Set.of("mount", "pid"), p.namespaces());
        assertEquals(List.of("linux.namespaces[1].path: cannot join /proc/42/ns/pid from a VM; using a private pid namespace"),
                p.warnings());
    }

    @Test
    void userAndTimeNamespacesAndIdMappingsAreWarnings() {
        SandboxPlan p = apply("'namespaces': [{'type': 'user'}, {'type': 'time'}],"
                + " 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]");
        assertEquals(Set.of(), p.namespaces());
        assertEquals(List.of("linux.namespaces[0]: user namespaces are not created in the guest; ids are not remapped",
                "linux.namespaces[1]: time namespaces are not created in the guest",
                "linux.uidMappings: id mappings are ignored in the guest"), p.warnings());
    }

    @Test
    void noLinuxSectionMeansNothing() {
        SandboxPlan p = plan();
        handler.apply(spec(""), p);
        assertEquals(Set.of(), p.namespaces());
        assertEquals(List.of(), p.warnings());
    }
}
