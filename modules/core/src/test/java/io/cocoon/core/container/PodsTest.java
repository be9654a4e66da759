package io.cocoon.core.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.core.agent.Proto;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.oci.Spec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which containers are pod members, and of which sandbox ({@link Pods#find}). */
class PodsTest {
    @TempDir Path tmp;
    static final long ME = ProcessHandle.current().pid();

    StateStore store() {
        return new StateStore(tmp.resolve("root"));
    }

    /** A container whose "monitor" is this JVM (alive), with an engine netns in resources.json. */
    void live(StateStore st, String id, ContainerStatus status, long pid, String netns) throws Exception {
        try (StateStore.Lock l = st.create(id)) {
            st.write(new ContainerRecord("1.2.0", id, status, pid, ProcStat.startTime(pid), "/b", "/b/rootfs",
                    "2026-12-01T00:00:00Z", "root", Map.of(), "qemu-lite", 0, 0, "", "", "", "", null));
            AtomicFiles.write(st.dir(id).resolve(ContainerFiles.RESOURCES),
                    new Cleanup.Resources("qemu-lite", "9p-workload", null, netns, Map.of()).toJson());
        }
    }

    static Spec spec(String namespaces, String annotations) {
        String json = "{'ociVersion': '1.2.0', 'root': {'path': 'rootfs'}, 'process': {'args': ['true'], 'cwd': '/'},"
                + " 'annotations': {" + annotations + "}, 'linux': {'namespaces': [" + namespaces + "]}}";
        return SpecParser.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), "config.json");
    }

    @Test
    void aContainerJoiningNothingIsNoMember() throws Exception {
        StateStore st = store();
        live(st, "sb", ContainerStatus.RUNNING, ME, null);
        assertNull(Pods.find(st, spec("{'type': 'network'}, {'type': 'ipc'}", "")));
    }

    @Test
    void procPathsOfASandboxsMonitorMakeAMemberJoiningIpcAndUts() throws Exception {
        StateStore st = store();
        live(st, "sb", ContainerStatus.RUNNING, ME, null);
        Pods.Sandbox sb = Pods.find(st, spec("{'type': 'network', 'path': '/proc/" + ME + "/ns/net'}, {'type': 'ipc', 'path': '/proc/"
                + ME + "/ns/ipc'}, {'type': 'uts', 'path': '/proc/" + ME + "/ns/uts'}, {'type': 'pid'}", ""));
        assertEquals("sb", sb.id());
        assertEquals(st.dir("sb"), sb.stateDir());
        assertEquals(Proto.CLONE_NEWIPC | Proto.CLONE_NEWUTS, sb.joinNs(), "pid stays the member's own");
    }

    @Test
    void aServedNetnsPathMakesAMember() throws Exception {
        StateStore st = store();
        Path ns = tmp.resolve("netns-x");
        Files.writeString(ns, "");
        live(st, "infra", ContainerStatus.RUNNING, ME, ns.toString());
        Pods.Sandbox sb = Pods.find(st, spec("{'type': 'network', 'path': '" + tmp.resolve("./netns-x") + "'}", ""));
        assertEquals("infra", sb.id());
        assertEquals(0, sb.joinNs());
    }

    @Test
    void criAnnotationsNameTheSandboxAndASandboxIsNeverAMember() throws Exception {
        StateStore st = store();
        live(st, "pause", ContainerStatus.RUNNING, ME, null);
        assertEquals("pause", Pods.find(st, spec("{'type': 'network', 'path': '/var/run/netns/cni-1'}",
                "'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.sandbox-id': 'pause'")).id());
        assertEquals("pause", Pods.find(st, spec("{'type': 'ipc'}",
                "'io.kubernetes.cri-o.ContainerType': 'container', 'io.kubernetes.cri-o.SandboxID': 'pause'")).id());
        assertNull(Pods.find(st, spec("{'type': 'network', 'path': '/proc/" + ME + "/ns/net'}",
                "'io.kubernetes.cri.container-type': 'sandbox', 'io.kubernetes.cri.sandbox-id': 'x'")));
    }

    @Test
    void aStoppedOrUnknownSandboxIsNoSandbox() throws Exception {
        StateStore st = store();
        live(st, "gone", ContainerStatus.STOPPED, ME, null);
        assertNull(Pods.find(st, spec("{'type': 'ipc', 'path': '/proc/" + ME + "/ns/ipc'}", "")), "a stopped container hosts nothing");
        ContainerError e = assertThrows(ContainerError.class, () -> Pods.find(st, spec("{'type': 'ipc'}",
                "'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.sandbox-id': 'gone'")));
        assertEquals("the pod's sandbox gone is not running", e.getMessage());
        assertNull(Pods.find(st, spec("{'type': 'ipc', 'path': '/proc/1/ns/ipc'}", "")), "pid 1 is no Cocoon monitor");
    }
}
