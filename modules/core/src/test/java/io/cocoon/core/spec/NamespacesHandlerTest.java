package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
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
    void aPathMustBeANamespaceOfTheEntrysType() {
        SpecException e = assertThrows(SpecException.class, () -> apply("'namespaces': [{'type': 'cgroup', 'path': '/proc/self/ns/ipc'}]"));
        assertEquals("linux.namespaces[0].path: /proc/self/ns/ipc is a namespace of kind ipc, not cgroup (type cgroup)", e.getMessage());
        e = assertThrows(SpecException.class, () -> apply("'namespaces': [{'type': 'network', 'path': '/nonexistent/netns'}]"));
        assertEquals("linux.namespaces[0].path: /nonexistent/netns does not exist", e.getMessage());
        e = assertThrows(SpecException.class, () -> apply("'namespaces': [{'type': 'network', 'path': '/etc/hostname'}]"));
        assertEquals("linux.namespaces[0].path: /etc/hostname is not a namespace", e.getMessage());
    }

    @Test
    void withoutANetworkEntryTheSpecAsksForTheHostsNetwork() {
        assertFalse(apply("'namespaces': [{'type': 'pid'}]").privateNetwork());
        assertTrue(apply("'namespaces': [{'type': 'network'}]").privateNetwork());
    }

    @Test
    void networkNamespacePathGoesToTheNetworkDriver() {
        SandboxPlan p = apply("'namespaces': [{'type': 'network', 'path': '/proc/self/ns/net'}]");
        assertEquals("/proc/self/ns/net", p.netnsPath());
        assertTrue(p.privateNetwork());
        assertEquals(Set.of(), p.namespaces());
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void joiningAPidNamespaceDegradesWithAWarning() {
        SandboxPlan p = apply("'namespaces': [{'type': 'mount'}, {'type': 'pid', 'path': '/proc/self/ns/pid'}]");
        assertEquals(Set.of("mount", "pid"), p.namespaces());
        assertEquals(List.of("linux.namespaces[1].path: cannot join /proc/self/ns/pid from a VM; using a private pid namespace"),
                p.warnings());
    }

    @Test
    void aUserNamespaceCarriesTheSpecsMapsToTheAgent() {
        SandboxPlan p = apply("'namespaces': [{'type': 'user'}, {'type': 'time'}],"
                + " 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 2000}, {'containerID': 5000, 'hostID': 9000, 'size': 1}],"
                + " 'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 2000}]");
        assertEquals(Set.of("user"), p.namespaces());
        assertEquals(new NamespacesHandler.IdMaps("0 1000 2000\n5000 9000 1\n", "0 1000 2000\n"), p.extensions().get(NamespacesHandler.ID_MAPS));
        assertEquals(List.of("linux.namespaces[1]: time namespaces are not created in the guest"), p.warnings());
    }

    @Test
    void idMapsWithoutAUserNamespaceOrAUserNamespaceWithoutMapsAreRefusedAsRuncDoes() {
        SpecException e = assertThrows(SpecException.class, () -> apply("'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"));
        assertEquals("linux.uidMappings: id mappings need a user namespace in linux.namespaces (as runc)", e.getMessage());
        e = assertThrows(SpecException.class, () -> apply("'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"));
        assertEquals("linux.gidMappings: a user namespace needs at least one mapping (as runc)", e.getMessage());
        e = assertThrows(SpecException.class, () -> apply("'namespaces': [{'type': 'user'}],"
                + " 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}, {'containerID': 5, 'hostID': 3000, 'size': 1}],"
                + " 'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"));
        assertEquals("linux.uidMappings[1]: overlaps linux.uidMappings[0]", e.getMessage());
    }

    @Test
    void noLinuxSectionMeansNothing() {
        SandboxPlan p = plan();
        handler.apply(spec(""), p);
        assertEquals(Set.of(), p.namespaces());
        assertEquals(List.of(), p.warnings());
    }
}
