package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pods (issue 10) behind the plain runc command line: containers whose specs join a live Cocoon
 * container's namespaces (as CRI writes them: {@code /proc/<sandbox pid>/ns/*} and its annotations)
 * run in that container's VM, sharing its network, IPC and UTS, each with its own rootfs, PID
 * namespace, stdio, exit status and lifecycle; one QEMU per pod.
 */
@Timeout(400)
class PodTest extends CniFixture {
    /** The sandbox: a pause-like sleeper that owns the VM and the pod's CNI network. */
    String sandbox(String id) throws Exception {
        Bundle b = namedBundle(id, "sleep", "3600");
        b.edit(c -> {
            Map<String, Object> p = Bundle.obj(c, "process");
            List<Object> e = new ArrayList<>(Bundle.list(p, "env"));
            e.add("NETCONF=" + conf + ",cocoontest");
            p.put("env", e);
            c.put("hostname", "podhost");
            c.put("annotations", Map.of("io.kubernetes.cri.container-type", "sandbox", "io.kubernetes.cri.sandbox-id", id));
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "create", id);
        assertEquals(0, r.rc(), () -> r + "\n" + logs(id));
        assertEquals(0, cocoon.run("start", id).rc());
        return String.valueOf(((Number) state(id).get("pid")).longValue());
    }

    /** A member bundle: joins the sandbox's network, IPC and UTS by /proc path, as CRI's specs do. */
    Bundle member(String sandbox, String pid, Bundle b) throws Exception {
        b.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            List<Object> nss = new ArrayList<>();
            for (Object n : Bundle.list(linux, "namespaces")) {
                String t = String.valueOf(((Map<?, ?>) n).get("type"));
                String kind = switch (t) {
                    case "network" -> "net";
                    case "ipc", "uts" -> t;
                    default -> null;
                };
                nss.add(kind == null ? n : Map.of("type", t, "path", "/proc/" + pid + "/ns/" + kind));
            }
            linux.put("namespaces", nss);
            Map<String, Object> ann = new LinkedHashMap<>();
            ann.put("io.kubernetes.cri.container-type", "container");
            ann.put("io.kubernetes.cri.sandbox-id", sandbox);
            c.put("annotations", ann);
        });
        return b;
    }

    static long qemus(Path root) {
        return Cocoon.pidsMatching(root.toString()).stream()
                .filter(p -> ProcessHandle.of(p).flatMap(h -> h.info().command()).orElse("").contains("qemu")).count();
    }

    /** Mounts the sandbox's monitor (and its QEMU) still has for a member. */
    static List<String> mountsNaming(String sandboxPid, String member) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + sandboxPid + "/mountinfo")).stream().filter(l -> l.contains("/" + member + "/")).toList();
    }

    @Test
    void membersShareTheSandboxsVmNetworkAndHostnameAndKeepTheirOwnLifecycle() throws Exception {
        String pid = sandbox("pod1");
        Bundle web = member("pod1", pid, server("app1", List.of()));
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("greeting"), "from-the-host\n");
        Path vol = tmp.resolve("vol");
        Files.createDirectories(vol);
        web.edit(c -> {
            Bundle.list(c, "mounts").add(StorageTest.bind(data.toString(), "/data", "rbind", "ro"));
            Bundle.list(c, "mounts").add(StorageTest.bind(vol.toString(), "/vol", "bind", "rw"));
        });
        Cocoon.Result created = cocoon.runIn(web.dir(), "create", "app1");
        assertEquals(0, created.rc(), () -> created + "\n" + logs("app1") + logs("pod1"));
        assertEquals("created", status("app1"));
        assertEquals(0, cocoon.run("start", "app1").rc());
        assertEquals("running", status("app1"));
        assertEquals(1, qemus(cocoon.root()), "one VM for the pod");

        // the pod's network, IPC and hostname; a PID namespace and root of its own
        Cocoon.Result addr = cocoon.run("exec", "app1", "ip", "-4", "-o", "addr", "show", "eth0");
        assertTrue(addr.out().contains("inet " + prefix), () -> addr + "\n" + logs("app1"));
        String ip = addr.out().replaceAll("(?s).*inet (\\S+)/.*", "$1");
        assertEquals("podhost\n", cocoon.run("exec", "app1", "hostname").out());
        assertEquals(cocoon.run("exec", "pod1", "readlink", "/proc/self/ns/ipc").out(),
                cocoon.run("exec", "app1", "readlink", "/proc/self/ns/ipc").out(), "IPC is the sandbox's");
        assertNotEquals(cocoon.run("exec", "pod1", "readlink", "/proc/self/ns/pid").out(),
                cocoon.run("exec", "app1", "readlink", "/proc/self/ns/pid").out(), "PID namespace of its own");
        assertTrue(cocoon.run("exec", "app1", "cat", "/www/index.html").out().contains("hello-app1"));
        assertFalse(cocoon.run("exec", "pod1", "ls", "/www").rc() == 0, "the sandbox does not see the member's root");
        // its binds, through the sandbox's share: ro is read-only, rw writes through to the host
        assertEquals("from-the-host\n", cocoon.run("exec", "app1", "cat", "/data/greeting").out());
        assertNotEquals(0, cocoon.run("exec", "app1", "touch", "/data/x").rc(), "a ro bind is not writable");
        assertEquals(0, cocoon.run("exec", "app1", "sh", "-c", "echo w > /vol/w").rc());
        assertEquals("w\n", Files.readString(vol.resolve("w")));
        Cocoon.Result ps = cocoon.run("ps", "app1");
        assertTrue(ps.out().contains("httpd") && !ps.out().contains("sleep"), ps::toString);

        // the host reaches the member on the pod's address; a second member reaches it on localhost
        assertEquals("hello-app1\n", get("http://" + ip + ":8080/"));
        Bundle client = member("pod1", pid, namedBundle("app2", "sh", "-c", "wget -q -O- http://127.0.0.1:8080/; exit 3"));
        Cocoon.Result run = cocoon.runIn(client.dir(), "run", "app2");
        assertEquals(3, run.rc(), () -> run + "\n" + logs("app2"));
        assertEquals("hello-app1\n", run.out(), () -> "its stdio is its own: " + run + "\n" + logs("app2"));
        assertEquals(1, qemus(cocoon.root()));

        // pause freezes the member alone
        assertEquals(0, cocoon.run("pause", "app1").rc());
        assertEquals("paused", status("app1"));
        assertEquals("running", status("pod1"));
        assertEquals(0, cocoon.run("exec", "pod1", "true").rc());
        assertEquals("cannot exec in a paused container", cocoon.run("exec", "app1", "true").err().strip());
        assertEquals(0, cocoon.run("resume", "app1").rc());
        assertEquals("hello-app1\n", get("http://" + ip + ":8080/"));

        // update and events address the member's guest cgroup, not the sandbox's
        Cocoon.Result upd = cocoon.run("update", "--memory", "64m", "app1");
        assertEquals(0, upd.rc(), upd::toString);
        Cocoon.Result ev = cocoon.run("events", "--stats", "app1");
        assertTrue(ev.out().contains("\"id\":\"app1\"") && ev.out().contains("67108864"), ev::toString);
        assertFalse(cocoon.run("events", "--stats", "pod1").out().contains("67108864"), "the sandbox's limit is its own");

        // kill and delete the member: the sandbox stays, nothing of the member stays
        assertEquals(0, cocoon.run("kill", "app1", "KILL").rc());
        assertEquals("stopped", awaitStatus("app1", "stopped", 10_000));
        assertEquals("running", status("pod1"));
        assertEquals(0, cocoon.run("delete", "app1").rc());
        assertFalse(Files.exists(cocoon.root().resolve("app1")));
        assertFalse(Files.exists(cocoon.root().resolve("pod1/shared/app1")), "the member's piece of the share is gone");
        assertEquals(List.of(), mountsNaming(pid, "app1"), "no mount of the member is left in the VM's namespace");

        // deleting the sandbox stops what still runs in its VM
        Bundle sleeper = member("pod1", pid, namedBundle("app3", "sleep", "3600"));
        assertEquals(0, cocoon.runIn(sleeper.dir(), "create", "app3").rc());
        assertEquals(0, cocoon.run("start", "app3").rc());
        assertEquals(0, cocoon.run("delete", "--force", "pod1").rc());
        assertEquals("stopped", awaitStatus("app3", "stopped", 10_000));
        assertEquals(0, cocoon.run("delete", "app3").rc());
        nothingLeft("pod1");
    }

    @Test
    void aCrashOfThePodsVmStopsEveryContainerAndDeleteForceLeavesNothing() throws Exception {
        String pid = sandbox("pod2");
        for (String id : List.of("m1", "m2")) {
            Bundle b = member("pod2", pid, namedBundle(id, "sleep", "3600"));
            Cocoon.Result r = cocoon.runIn(b.dir(), "create", id);
            assertEquals(0, r.rc(), () -> r + "\n" + logs(id));
            assertEquals(0, cocoon.run("start", id).rc());
        }
        long qemu = Long.parseLong(Files.readString(cocoon.root().resolve("pod2/qemu.pid")).strip());
        ProcessHandle.of(qemu).ifPresent(ProcessHandle::destroyForcibly);
        for (String id : List.of("pod2", "m1", "m2")) assertEquals("stopped", awaitStatus(id, "stopped", 15_000), id);
        for (String id : List.of("m1", "m2", "pod2")) assertEquals(0, cocoon.run("delete", "--force", id).rc());
        nothingLeft("pod2");
        assertEquals(List.of(), Cocoon.pidsMatching(cocoon.root().toString()));
    }

    @Test
    void aMemberWhoseSandboxIsGoneIsRefusedInOneLine() throws Exception {
        String pid = sandbox("pod3");
        Bundle b = member("pod3", pid, namedBundle("late", "true"));
        assertEquals(0, cocoon.run("kill", "pod3", "KILL").rc());
        assertEquals("stopped", awaitStatus("pod3", "stopped", 10_000));
        Cocoon.Result r = cocoon.runIn(b.dir(), "create", "late");
        assertEquals(1, r.rc(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertFalse(Files.exists(cocoon.root().resolve("late")));
        assertEquals(0, cocoon.run("delete", "pod3").rc());
        nothingLeft("pod3");
    }
}
