package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cocoon.conformance.cri.CriClient;
import io.cocoon.conformance.cri.CriContainerd;
import io.cocoon.conformance.cri.v1.Container;
import io.cocoon.conformance.cri.v1.ContainerConfig;
import io.cocoon.conformance.cri.v1.ContainerMetadata;
import io.cocoon.conformance.cri.v1.ContainerState;
import io.cocoon.conformance.cri.v1.ContainerStatus;
import io.cocoon.conformance.cri.v1.DNSConfig;
import io.cocoon.conformance.cri.v1.ExecSyncResponse;
import io.cocoon.conformance.cri.v1.Image;
import io.cocoon.conformance.cri.v1.ImageSpec;
import io.cocoon.conformance.cri.v1.KeyValue;
import io.cocoon.conformance.cri.v1.LinuxContainerConfig;
import io.cocoon.conformance.cri.v1.LinuxContainerSecurityContext;
import io.cocoon.conformance.cri.v1.LinuxPodSandboxConfig;
import io.cocoon.conformance.cri.v1.LinuxSandboxSecurityContext;
import io.cocoon.conformance.cri.v1.Mount;
import io.cocoon.conformance.cri.v1.NamespaceMode;
import io.cocoon.conformance.cri.v1.NamespaceOption;
import io.cocoon.conformance.cri.v1.PodSandbox;
import io.cocoon.conformance.cri.v1.PodSandboxConfig;
import io.cocoon.conformance.cri.v1.PodSandboxMetadata;
import io.cocoon.conformance.cri.v1.PodSandboxState;
import io.cocoon.conformance.cri.v1.PodSandboxStatus;
import io.cocoon.conformance.cri.v1.VersionResponse;
import io.cocoon.spi.json.Json;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kubernetes' view of a runtime: containerd's CRI plugin, driven over gRPC as kubelet drives it,
 * runs a pod with each runtime handler: a sandbox, an HTTP server and a client sharing the pod's
 * network namespace, a container that fails, ExecSync, CRI logs, exit codes, stop and removal.
 *
 * <p>Handlers come from {@code -Dcri.handlers} (default {@code runc,cocoon}): a comma-separated list of
 * {@code name} or {@code name=/path/to/binary}; {@code runc} is the host's runc, {@code cocoon} the
 * built image's {@code bin/cocoon}. {@code -Dcri.pause=busybox|catatonit} picks the pause image's
 * program. Each check prints PASS/FAIL; the OCI configs the runtime got are
 * copied to {@code target/cri/}. See docs/kubernetes-testing.md.
 */
@Tag("engine")
@Timeout(600)
class CriTest {
    static final Pattern CRI_LOG_LINE = Pattern.compile("^(\\S+) (stdout|stderr) ([FP]) (.*)$");
    static CriContainerd cri;

    static Map<String, Path> handlers() {
        Map<String, Path> m = new LinkedHashMap<>();
        for (String h : System.getProperty("cri.handlers", "runc,cocoon").split(",")) {
            h = h.trim();
            if (h.isEmpty()) continue;
            int eq = h.indexOf('=');
            if (eq > 0) m.put(h.substring(0, eq), Path.of(h.substring(eq + 1)));
            else if (h.equals("runc")) m.put(h, which("runc"));
            else if (h.equals("cocoon")) m.put(h, Cocoon.image().resolve("bin/cocoon"));
            else throw new IllegalArgumentException("handler " + h + ": give name=/path/to/binary");
        }
        return m;
    }

    static Stream<String> handlerNames() {
        return handlers().keySet().stream();
    }

    static Path which(String name) {
        Cocoon.Result r = Cocoon.exec(List.of("sh", "-c", "command -v " + name), null, null, Duration.ofSeconds(10));
        if (r.rc() != 0) throw new IllegalStateException(name + " not found");
        return Path.of(r.out().trim());
    }

    @BeforeAll
    static void setUp() throws Exception {
        CriContainerd.Builder b = CriContainerd.builder();
        handlers().forEach(b::handler);
        String pause = System.getProperty("cri.pause", "");
        if (!pause.isEmpty()) b.pause(pause);
        long t0 = System.nanoTime();
        cri = b.start();
        System.out.println("containerd with CRI ready in " + ms(t0) + " ms (pause image: " + cri.pauseKind()
                + "); config.toml:\n" + cri.configText());
    }

    @AfterAll
    static void tearDown() {
        if (cri == null) return;
        // containerd's errors and warnings (e.g. a runtime's create failure), for the test's output
        List<String> notable = cri.log().lines().filter(l -> l.contains("level=error") || l.contains("level=warning")).toList();
        System.out.println("containerd log: " + notable.size() + " error/warning lines" + (notable.isEmpty() ? "" : ":\n  " + String.join("\n  ", notable)));
        cri.close();
    }

    /** Records each named check as PASS/FAIL; {@link #must} stops the scenario at a failure. */
    static final class Checks {
        final String handler;
        final List<String> results = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        Checks(String handler) {
            this.handler = handler;
        }

        interface Step {
            void run() throws Exception;
        }

        void check(String name, Step step) {
            try {
                step.run();
                pass(name);
            } catch (Exception | AssertionError e) {
                failed(name, e);
            }
        }

        void must(String name, Step step) throws Exception {
            try {
                step.run();
                pass(name);
            } catch (Exception | AssertionError e) {
                failed(name, e);
                summary();
                throw e;
            }
        }

        private void pass(String name) {
            results.add("PASS " + name);
            System.out.println("[" + handler + "] PASS " + name);
        }

        private void failed(String name, Throwable e) {
            results.add("FAIL " + name + ": " + e);
            failures.add(name + ": " + e);
            System.out.println("[" + handler + "] FAIL " + name + ": " + e);
            e.printStackTrace(System.out);
        }

        void summary() {
            System.out.println("[" + handler + "] summary:\n  " + String.join("\n  ", results));
        }
    }

    @ParameterizedTest(name = "handler {0}")
    @MethodSource("handlerNames")
    void podWithServerClientExecLogsAndCleanup(String handler) throws Exception {
        CriClient c = cri.client();
        Checks k = new Checks(handler);
        String uid = UUID.randomUUID().toString();
        String marker = "cocoon-cri-" + handler + "-" + uid.substring(0, 8);
        Path logDir = Files.createDirectories(cri.work().resolve("pods/" + uid));
        Path shared = Files.createDirectories(cri.work().resolve("shared/" + uid));
        Files.writeString(shared.resolve("greeting"), "hello from the host\n");
        Path captures = Files.createDirectories(Path.of("target/cri"));

        k.must("Version speaks CRI v1", () -> {
            VersionResponse v = c.version();
            assertEquals("containerd", v.getRuntimeName(), v::toString);
            assertEquals("v1", v.getRuntimeApiVersion(), v::toString);
        });
        k.check("ListImages/ImageStatus see the imported images", () -> {
            List<String> tags = c.listImages().stream().flatMap(i -> i.getRepoTagsList().stream()).toList();
            assertTrue(tags.contains(CriContainerd.BUSYBOX) && tags.contains(CriContainerd.PAUSE), tags::toString);
            Image bb = c.imageStatus(CriContainerd.BUSYBOX);
            assertNotNull(bb);
            assertTrue(bb.getId().startsWith("sha256:"), bb::toString);
            assertEquals(null, c.imageStatus("localhost/not-there:latest"));
        });

        NamespaceOption ns = NamespaceOption.newBuilder()
                .setNetwork(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD).build();
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("cri-" + handler).setUid(uid).setNamespace("cocoon-test").setAttempt(0))
                .setHostname("cri-" + handler)
                .setLogDirectory(logDir.toString())
                .setDnsConfig(DNSConfig.newBuilder().addServers("127.0.0.1").addSearches("cocoon.test").addOptions("ndots:1"))
                .putLabels("io.kubernetes.pod.name", "cri-" + handler)
                .putLabels("cocoon-test", "cri")
                .putAnnotations("io.cocoon.test/pod", handler)
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent(cri.cgroupParent() + "/pod" + uid)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)))
                .build();

        long t0 = System.nanoTime();
        String[] podId = new String[1];
        k.must("RunPodSandbox with handler " + handler, () -> podId[0] = c.runPodSandbox(pod, handler));
        long runPodMs = ms(t0);
        String id = podId[0];
        System.out.println("[" + handler + "] RunPodSandbox took " + runPodMs + " ms, pod " + id);
        try {
            scenario(k, c, handler, pod, id, ns, marker, shared, captures, t0);
        } finally {
            // whatever happened, the pod goes (the fixture would remove it too, but the checks below
            // are about this pod's own Stop/Remove)
            if (cri.client().listPodSandbox().stream().anyMatch(p -> p.getId().equals(id))) {
                try {
                    c.stopPodSandbox(id);
                    c.removePodSandbox(id);
                } catch (RuntimeException e) {
                    System.out.println("[" + handler + "] cleanup of pod " + id + ": " + e);
                }
            }
        }
        k.summary();
        assertTrue(k.failures.isEmpty(), () -> "failed checks for handler " + handler + ":\n" + String.join("\n", k.failures));
    }

    private void scenario(Checks k, CriClient c, String handler, PodSandboxConfig pod, String id, NamespaceOption ns,
            String marker, Path shared, Path captures, long t0) throws Exception {
        String[] netns = new String[1];
        String[] podIp = new String[1];
        k.must("PodSandboxStatus: READY with an IP on the CNI subnet", () -> {
            PodSandboxStatus s = c.podSandboxStatus(id, false).getStatus();
            assertEquals(PodSandboxState.SANDBOX_READY, s.getState(), s::toString);
            podIp[0] = s.getNetwork().getIp();
            assertTrue(podIp[0].startsWith("10.99.0."), s::toString);
            assertEquals("cri-" + handler, s.getMetadata().getName());
            netns[0] = cri.netnsPath(id);
            assertNotNull(netns[0], "netns path in the sandbox spec");
            assertTrue(Files.exists(Path.of(netns[0])), netns[0]);
            String name = Path.of(netns[0]).getFileName().toString();
            assertTrue(CriContainerd.ipNetns().contains(name), () -> "ip netns lists " + name + ": " + CriContainerd.ipNetns());
        });
        System.out.println("[" + handler + "] pod IP " + podIp[0] + ", netns " + netns[0]);
        k.check("PodSandboxStatus verbose info names the handler", () -> {
            Map<String, Object> info = Json.parseObject(c.podSandboxStatus(id, true).getInfoMap().get("info"));
            assertEquals(handler, info.get("runtimeHandler"), info::toString);
        });

        // as kubelet sends them: the pod's namespace modes and the default /proc masks (ProcMountType Default)
        LinuxContainerConfig linux = LinuxContainerConfig.newBuilder()
                .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(ns)
                        .addAllMaskedPaths(List.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"))
                        .addAllReadonlyPaths(List.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                "/proc/sysrq-trigger")))
                .build();
        ContainerConfig server = container("server", linux, marker, shared,
                "mkdir -p /www && echo \"$MARKER\" > /www/index.html && echo serving && exec httpd -f -p 8080 -h /www");
        String[] serverId = new String[1];
        k.must("CreateContainer + StartContainer: server running", () -> {
            serverId[0] = c.createContainer(id, server, pod);
            c.startContainer(serverId[0]);
            ContainerStatus s = c.containerStatus(serverId[0], false).getStatus();
            assertEquals(ContainerState.CONTAINER_RUNNING, s.getState(), s::toString);
        });
        long firstRunningMs = ms(t0);
        System.out.println("[" + handler + "] RunPodSandbox -> first container running: " + firstRunningMs + " ms");

        ContainerConfig client = container("client", linux, marker, shared,
                "for i in $(seq 1 50); do"
                        + " printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 8080 > /tmp/resp 2>/dev/null;"
                        + " if grep -q \"$MARKER\" /tmp/resp; then cat /tmp/resp; echo fetched-ok; exit 0; fi;"
                        + " sleep 0.2; done; echo fetch-failed; exit 1");
        String[] clientId = new String[1];
        k.check("client container fetches http://localhost:8080/ from the server and exits 0", () -> {
            clientId[0] = c.createContainer(id, client, pod);
            c.startContainer(clientId[0]);
            ContainerStatus s = awaitExited(c, clientId[0], Duration.ofSeconds(60));
            String log = Files.readString(Path.of(s.getLogPath()));
            assertEquals(0, s.getExitCode(), () -> s + "\nlog:\n" + log);
            assertEquals("Completed", s.getReason(), s::toString);
            assertTrue(log.contains("stdout F fetched-ok") && log.contains(marker), log);
            assertTrue(log.contains("200 OK"), log);
        });

        k.check("one VM for the pod (QEMU processes under the handler's root: cocoon 1, runc 0)", () -> {
            long vms = qemusUnder(cri.runtimeRoot(handler));
            assertEquals(handler.equals("cocoon") ? 1 : 0, vms, "QEMU processes of the pod's three containers");
        });

        k.check("the pod IP answers from the host (plain socket to " + podIp[0] + ":8080)", () -> {
            String resp = httpGet(podIp[0], 8080, Duration.ofSeconds(20));
            assertTrue(resp.startsWith("HTTP/1.") && resp.contains(" 200 ") && resp.contains(marker), resp);
        });

        k.check("ExecSync returns stdout, stderr and the exit code", () -> {
            ExecSyncResponse r = c.execSync(serverId[0], Duration.ofSeconds(30), "sh", "-c", "echo hi; echo oops >&2; exit 3");
            assertEquals(3, r.getExitCode(), r::toString);
            assertEquals("hi\n", r.getStdout().toStringUtf8());
            assertEquals("oops\n", r.getStderr().toStringUtf8());
            ExecSyncResponse ok = c.execSync(serverId[0], Duration.ofSeconds(30), "true");
            assertEquals(0, ok.getExitCode(), ok::toString);
        });
        k.check("ExecSync: the container has the pod's hostname", () ->
                assertEquals("cri-" + handler + "\n", exec(c, serverId[0], "hostname")));
        k.check("ExecSync: /etc/resolv.conf has the pod's DNS config", () -> {
            String resolv = exec(c, serverId[0], "cat", "/etc/resolv.conf");
            assertTrue(resolv.contains("search cocoon.test") && resolv.contains("nameserver 127.0.0.1"), resolv);
        });
        k.check("ExecSync: the host directory is mounted read-only at /shared", () -> {
            assertEquals("hello from the host\n", exec(c, serverId[0], "cat", "/shared/greeting"));
            ExecSyncResponse ro = c.execSync(serverId[0], Duration.ofSeconds(30), "sh", "-c", "echo x > /shared/w");
            assertTrue(ro.getExitCode() != 0, "the mount is read-only: " + ro);
            assertFalse(Files.exists(shared.resolve("w")));
        });

        ContainerConfig exiter = container("exiter", linux, marker, shared, "echo bye; echo to-stderr >&2; exit 42");
        String[] exiterId = new String[1];
        k.check("ContainerStatus of an exited container: EXITED, exit code 42, reason Error", () -> {
            exiterId[0] = c.createContainer(id, exiter, pod);
            c.startContainer(exiterId[0]);
            ContainerStatus s = awaitExited(c, exiterId[0], Duration.ofSeconds(60));
            assertEquals(42, s.getExitCode(), s::toString);
            assertEquals("Error", s.getReason(), s::toString);
            // containerd stamps started_at when Start returns, which a fast process can outlive by
            // a millisecond: finished_at may precede it
            assertTrue(s.getStartedAt() >= s.getCreatedAt() && s.getFinishedAt() >= s.getCreatedAt(), s::toString);
        });

        k.check("container logs are in the CRI format (<RFC3339Nano> <stream> <F|P> <line>)", () -> {
            ContainerStatus s = c.containerStatus(exiterId[0], false).getStatus();
            Path logPath = Path.of(s.getLogPath());
            assertEquals(cri.work().resolve("pods").resolve(pod.getMetadata().getUid()).resolve("exiter/0.log"), logPath);
            List<String> lines = Files.readAllLines(logPath);
            assertCriLog(lines);
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(" stdout F bye")), lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(" stderr F to-stderr")), lines::toString);
            List<String> serverLog = Files.readAllLines(Path.of(c.containerStatus(serverId[0], false).getStatus().getLogPath()));
            assertCriLog(serverLog);
            assertTrue(serverLog.stream().anyMatch(l -> l.endsWith(" stdout F serving")), serverLog::toString);
        });

        k.check("ListContainers / ListPodSandbox show the pod and its three containers", () -> {
            List<Container> cs = c.listContainers(id);
            assertEquals(3, cs.size(), cs::toString);
            assertTrue(cs.stream().anyMatch(x -> x.getId().equals(serverId[0]) && x.getState() == ContainerState.CONTAINER_RUNNING));
            List<PodSandbox> pods = c.listPodSandbox();
            assertTrue(pods.stream().anyMatch(p -> p.getId().equals(id) && p.getState() == PodSandboxState.SANDBOX_READY), pods::toString);
        });

        k.check("config.json: CRI annotations and namespace paths (copied to target/cri/)", () -> {
            assertTrue(Files.isDirectory(cri.runtimeState(handler, id)), "runtime state " + cri.runtimeState(handler, id));
            Path sandboxCfg = cri.bundle(id).resolve("config.json");
            Path serverCfg = cri.bundle(serverId[0]).resolve("config.json");
            Files.copy(sandboxCfg, captures.resolve(handler + "-sandbox-config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(serverCfg, captures.resolve(handler + "-container-config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Map<String, Object> sb = Json.parseObject(Files.readString(sandboxCfg));
            Map<String, Object> ct = Json.parseObject(Files.readString(serverCfg));
            Map<String, Object> sbAnn = map(sb, "annotations");
            Map<String, Object> ctAnn = map(ct, "annotations");
            assertEquals("sandbox", sbAnn.get("io.kubernetes.cri.container-type"), sbAnn::toString);
            assertEquals(id, sbAnn.get("io.kubernetes.cri.sandbox-id"), sbAnn::toString);
            assertEquals("container", ctAnn.get("io.kubernetes.cri.container-type"), ctAnn::toString);
            assertEquals(id, ctAnn.get("io.kubernetes.cri.sandbox-id"), ctAnn::toString);
            assertEquals("server", ctAnn.get("io.kubernetes.cri.container-name"), ctAnn::toString);
            assertEquals(handler, sbAnn.get("io.cocoon.test/pod"), "pod_annotations pass io.cocoon.* to the sandbox");
            assertEquals("server", ctAnn.get("io.cocoon.test/container"), "container_annotations pass io.cocoon.*");
            assertEquals(netns[0], nsPath(sb, "network"), "the sandbox joins the CNI netns");
            Map<String, Object> info = Json.parseObject(c.podSandboxStatus(id, true).getInfoMap().get("info"));
            long sandboxPid = ((Number) info.get("pid")).longValue();
            assertEquals("/proc/" + sandboxPid + "/ns/net", nsPath(ct, "network"), "the app joins the sandbox's netns");
            assertEquals("/proc/" + sandboxPid + "/ns/ipc", nsPath(ct, "ipc"));
            assertEquals("/proc/" + sandboxPid + "/ns/uts", nsPath(ct, "uts"));
            assertEquals(null, nsPath(ct, "pid"), "pid: CONTAINER, a new namespace");
        });

        k.check("StopContainer ends the server: EXITED", () -> {
            c.stopContainer(serverId[0], 2);
            ContainerStatus s = c.containerStatus(serverId[0], false).getStatus();
            assertEquals(ContainerState.CONTAINER_EXITED, s.getState(), s::toString);
            System.out.println("[" + handler + "] server after StopContainer: exit " + s.getExitCode() + " " + s.getReason());
        });
        k.check("RemoveContainer removes all three", () -> {
            for (String cid : new String[] {serverId[0], clientId[0], exiterId[0]}) if (cid != null) c.removeContainer(cid);
            assertEquals(List.of(), c.listContainers(id));
            assertFalse(Files.exists(cri.bundle(serverId[0])), "server bundle gone");
        });

        k.check("StopPodSandbox: NOTREADY, its netns gone (not in ip netns)", () -> {
            c.stopPodSandbox(id);
            PodSandboxStatus s = c.podSandboxStatus(id, false).getStatus();
            assertEquals(PodSandboxState.SANDBOX_NOTREADY, s.getState(), s::toString);
            assertFalse(Files.exists(Path.of(netns[0])), netns[0] + " still exists");
            String name = Path.of(netns[0]).getFileName().toString();
            assertFalse(CriContainerd.ipNetns().contains(name), () -> "ip netns: " + CriContainerd.ipNetns());
        });
        k.check("RemovePodSandbox: no sandbox, no state, no processes", () -> {
            c.removePodSandbox(id);
            try {
                c.podSandboxStatus(id, false);
                fail("PodSandboxStatus of a removed pod answered");
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e::toString);
            }
            assertTrue(c.listPodSandbox().stream().noneMatch(p -> p.getId().equals(id)));
            assertFalse(Files.exists(cri.bundle(id)), "shim bundle " + cri.bundle(id));
            assertFalse(Files.exists(cri.sandboxRoot(id)), "CRI sandbox dir " + cri.sandboxRoot(id));
            assertFalse(Files.exists(cri.runtimeState(handler, id)), "runtime state " + cri.runtimeState(handler, id));
            assertEquals(List.of(), Cocoon.pidsMatching(id), "processes naming the pod id");
            assertEquals(0, qemusUnder(cri.runtimeRoot(handler)), "no VM is left");
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(id)).toList();
            assertEquals(List.of(), mounts, "no mount naming the pod");
            String links = Cocoon.exec(List.of("ip", "-o", "link"), null, null, Duration.ofSeconds(10)).out();
            assertFalse(links.contains("_cc"), "no tap of Cocoon's on the host: " + links);
            String name = Path.of(netns[0]).getFileName().toString();
            assertFalse(CriContainerd.ipNetns().contains(name), () -> "ip netns: " + CriContainerd.ipNetns());
        });
        System.out.println("[" + handler + "] timing: RunPodSandbox -> first container running " + firstRunningMs + " ms");
    }

    /** QEMU processes whose command line names a path under {@code root} (a handler's state). */
    static long qemusUnder(Path root) {
        return ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                .filter(cl -> cl.contains("qemu-system") && cl.contains(root.toString())).count();
    }

    private static ContainerConfig container(String name, LinuxContainerConfig linux, String marker, Path shared, String script) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(0))
                .setImage(ImageSpec.newBuilder().setImage(CriContainerd.BUSYBOX))
                .addCommand("sh").addArgs("-c").addArgs(script)
                .setWorkingDir("/")
                .addEnvs(KeyValue.newBuilder().setKey("MARKER").setValue(marker))
                .addMounts(Mount.newBuilder().setContainerPath("/shared").setHostPath(shared.toString()).setReadonly(true))
                .putLabels("io.kubernetes.container.name", name)
                .putAnnotations("io.cocoon.test/container", name)
                .setLogPath(name + "/0.log")
                .setLinux(linux)
                .build();
    }

    private static ContainerStatus awaitExited(CriClient c, String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ContainerStatus s = c.containerStatus(id, false).getStatus();
            if (s.getState() == ContainerState.CONTAINER_EXITED) return s;
            if (System.nanoTime() > deadline) throw new AssertionError("not exited after " + timeout + ": " + s);
            Thread.sleep(100);
        }
    }

    private static String exec(CriClient c, String id, String... cmd) {
        ExecSyncResponse r = c.execSync(id, Duration.ofSeconds(30), cmd);
        assertEquals(0, r.getExitCode(), () -> List.of(cmd) + ": " + r);
        return r.getStdout().toStringUtf8();
    }

    private static void assertCriLog(List<String> lines) {
        assertFalse(lines.isEmpty(), "empty log");
        for (String l : lines) {
            Matcher m = CRI_LOG_LINE.matcher(l);
            assertTrue(m.matches(), () -> "not a CRI log line: " + l);
            OffsetDateTime.parse(m.group(1)); // RFC 3339
            assertTrue(m.group(1).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{1,9}(Z|[+-]\\d\\d:\\d\\d)"), l);
        }
    }

    /** HTTP/1.0 GET / from the host, retried until {@code timeout}. */
    private static String httpGet(String host, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new AssertionError("no answer from " + host + ":" + port, last);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? Map.of() : (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static String nsPath(Map<String, Object> spec, String type) {
        for (Object o : (List<Object>) map(spec, "linux").getOrDefault("namespaces", List.of())) {
            Map<String, Object> n = (Map<String, Object>) o;
            if (type.equals(n.get("type"))) return n.get("path") == null ? null : n.get("path").toString();
        }
        throw new AssertionError("no " + type + " namespace in " + spec.get("linux"));
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
