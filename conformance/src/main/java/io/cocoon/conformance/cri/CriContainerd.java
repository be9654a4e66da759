package io.cocoon.conformance.cri;

import io.cocoon.conformance.Bundle;
import io.cocoon.conformance.Cocoon;
import io.cocoon.conformance.OciImage;
import io.cocoon.conformance.cri.v1.PodSandbox;
import io.cocoon.conformance.cri.v1.RuntimeCondition;
import io.cocoon.conformance.cri.v1.StatusResponse;
import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private containerd with its CRI plugin, for tests that drive a runtime the way kubelet does:
 * own root, state and socket under temporary directories (as {@code ContainerdTest}), a generated
 * {@code config.toml} with one {@code io.containerd.runc.v2} runtime per handler (name → runc-compatible
 * binary, {@code options.BinaryName}, a private {@code options.Root}), a CNI bridge network on its own
 * subnet, and two images imported into the {@code k8s.io} namespace without a registry: busybox
 * ({@link #BUSYBOX}) and a pause image ({@link #PAUSE}, catatonit -P, or busybox sleep when the host has
 * no catatonit) that is the {@code sandbox_image}.
 *
 * <p>{@link #close()} removes everything it made, also after a failure: pods (through CRI, then
 * directly through the handler binaries), the containerd process and its shims, network namespaces
 * the pods used, the bridge, mounts, cgroups and the directories. Every wait has a deadline.
 */
public final class CriContainerd implements AutoCloseable {
    public static final String NAMESPACE = "k8s.io";
    public static final String BUSYBOX = "localhost/busybox:latest";
    public static final String PAUSE = "localhost/pause:latest";

    private final Map<String, Path> handlers;
    private final String subnet;
    private final String bridge;
    private final Path work;
    private final Path state;
    private final Path socket;
    private final Path config;
    private final Path log;
    private final String cgroupParent;
    private final String pauseKind;
    private final Set<String> netnsSeen = new LinkedHashSet<>();
    private final Thread hook;
    private Process containerd;
    private CriClient client;
    private boolean closed;

    /** Options of the fixture; {@link #start()} starts it. */
    public static final class Builder {
        private final Map<String, Path> handlers = new LinkedHashMap<>();
        private String subnet = "10.99.0.0/24";
        private String bridge = "cocoon-cri0";
        private Duration startTimeout = Duration.ofSeconds(60);
        private String pause = Files.isExecutable(Path.of("/usr/bin/catatonit")) ? "catatonit" : "busybox";

        /** A runtime handler: RunPodSandbox's runtime_handler {@code name} runs pods with {@code binary} (runc's CLI). */
        public Builder handler(String name, Path binary) {
            handlers.put(name, binary);
            return this;
        }

        /** The pods' IPv4 subnet (default 10.99.0.0/24, clear of podman's 10.88.0.0/16). */
        public Builder subnet(String cidr) {
            this.subnet = cidr;
            return this;
        }

        /** The CNI bridge's name (at most 15 characters). */
        public Builder bridge(String name) {
            this.bridge = name;
            return this;
        }

        /** What the pause image runs: "catatonit" (-P, the default where /usr/bin/catatonit exists) or "busybox" (sleep). */
        public Builder pause(String kind) {
            if (!kind.equals("catatonit") && !kind.equals("busybox")) throw new IllegalArgumentException("pause " + kind);
            this.pause = kind;
            return this;
        }

        public Builder startTimeout(Duration d) {
            this.startTimeout = d;
            return this;
        }

        public CriContainerd start() throws IOException, InterruptedException {
            if (handlers.isEmpty()) throw new IllegalArgumentException("no runtime handler");
            CriContainerd c = new CriContainerd(this);
            try {
                c.boot(startTimeout);
                return c;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                c.close();
                throw e;
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private CriContainerd(Builder b) throws IOException {
        this.handlers = Map.copyOf(b.handlers);
        this.subnet = b.subnet;
        this.bridge = b.bridge;
        long pid = ProcessHandle.current().pid();
        this.work = Files.createTempDirectory(Path.of("/var/tmp"), "cocoon-cri");
        // state and socket under /run (tmpfs, short path: a unix socket path has at most 107 bytes)
        this.state = Path.of("/run/cocoon-test-cri-" + pid);
        this.socket = state.resolve("containerd.sock");
        this.config = work.resolve("config.toml");
        this.log = work.resolve("containerd.log");
        this.cgroupParent = "/cocoon-cri-" + pid;
        this.pauseKind = b.pause;
        this.hook = new Thread(this::close, "cri-containerd-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    // ---------------------------------------------------------------- start

    private void boot(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(state);
        Path cniConf = work.resolve("cni/net.d");
        Files.createDirectories(cniConf);
        Files.writeString(cniConf.resolve("10-cocoon-cri.conflist"), cniConfig());
        Files.writeString(config, configToml(cniConf));
        containerd = new ProcessBuilder("containerd", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(socket)) {
            if (!containerd.isAlive()) throw new IllegalStateException("containerd exited " + containerd.exitValue() + ":\n" + log());
            if (System.nanoTime() > deadline) throw new IllegalStateException("containerd socket did not appear:\n" + log());
            Thread.sleep(100);
        }
        if (!log().contains("Start cri plugin")) {
            // the CRI plugin logs its config once loaded; give it the same deadline
            while (!log().contains("Start cri plugin") && System.nanoTime() < deadline) Thread.sleep(100);
        }
        if (log().contains("failed to load plugin \"io.containerd.grpc.v1.cri\"") || !log().contains("Start cri plugin")) {
            throw new IllegalStateException("the CRI plugin did not load:\n" + log());
        }
        client = CriClient.connect(socket);
        awaitReady(deadline);
        importImages();
        long imagesDeadline = System.nanoTime() + timeout.toNanos();
        for (String ref : List.of(BUSYBOX, PAUSE)) {
            while (client.imageStatus(ref) == null) {
                if (System.nanoTime() > imagesDeadline) throw new IllegalStateException("CRI does not see image " + ref);
                Thread.sleep(200);
            }
        }
    }

    /** Waits for CRI's RuntimeReady and NetworkReady (the latter once the CNI config has been loaded). */
    private void awaitReady(long deadline) throws InterruptedException {
        String last = "";
        while (true) {
            try {
                StatusResponse s = client.status(false);
                boolean ready = !s.getStatus().getConditionsList().isEmpty()
                        && s.getStatus().getConditionsList().stream().allMatch(RuntimeCondition::getStatus);
                if (ready) return;
                last = s.getStatus().toString();
            } catch (io.grpc.StatusRuntimeException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("CRI not ready: " + last + "\n" + log());
            Thread.sleep(200);
        }
    }

    private String configToml(Path cniConf) {
        String defaultHandler = handlers.containsKey("runc") ? "runc" : handlers.keySet().iterator().next();
        StringBuilder t = new StringBuilder();
        t.append("version = 2\n")
                .append("root = ").append(q(work.resolve("root"))).append('\n')
                .append("state = ").append(q(state)).append('\n')
                .append("[grpc]\n  address = ").append(q(socket)).append('\n')
                .append("[ttrpc]\n  address = ").append(q(state.resolve("containerd.sock.ttrpc"))).append('\n')
                .append("[debug]\n  level = \"info\"\n")
                // the opt plugin would otherwise make /opt/containerd
                .append("[plugins.\"io.containerd.internal.v1.opt\"]\n  path = ").append(q(work.resolve("opt"))).append('\n')
                .append("[plugins.\"io.containerd.grpc.v1.cri\"]\n")
                .append("  sandbox_image = ").append(q(PAUSE)).append('\n')
                .append("  disable_apparmor = true\n")
                // no CAP_SYS_RESOURCE here (a container host): the sandbox's oom_score_adj -998 would fail
                // in runc init; restricted, containerd keeps it no lower than its own
                .append("  restrict_oom_score_adj = true\n")
                .append("  enable_selinux = false\n")
                .append("  stream_server_address = \"127.0.0.1\"\n")
                .append("  stream_server_port = \"0\"\n")
                .append("  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n")
                .append("    snapshotter = \"overlayfs\"\n")
                .append("    default_runtime_name = ").append(q(defaultHandler)).append('\n');
        for (var h : handlers.entrySet()) {
            String key = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes." + h.getKey() + "]";
            t.append("    ").append(key).append('\n')
                    .append("      runtime_type = \"io.containerd.runc.v2\"\n")
                    // pod and container annotations matching these reach the runtime's config.json
                    // (Go filepath.Match: "*" stops at "/", hence both forms)
                    .append("      pod_annotations = [\"io.cocoon.*\", \"io.cocoon.*/*\"]\n")
                    .append("      container_annotations = [\"io.cocoon.*\", \"io.cocoon.*/*\"]\n")
                    .append("      ").append(key, 0, key.length() - 1).append(".options]\n")
                    .append("        BinaryName = ").append(q(h.getValue())).append('\n')
                    .append("        Root = ").append(q(runtimeRoot(h.getKey()))).append('\n')
                    .append("        SystemdCgroup = false\n");
        }
        t.append("  [plugins.\"io.containerd.grpc.v1.cri\".cni]\n")
                .append("    bin_dir = \"/usr/lib/cni\"\n")
                .append("    conf_dir = ").append(q(cniConf)).append('\n')
                .append("    max_conf_num = 1\n");
        return t.toString();
    }

    /** bridge + host-local on {@link Builder#subnet}; no default route and no masquerade: pods reach their subnet only. */
    private String cniConfig() {
        return Json.pretty(Json.object(
                "cniVersion", "1.0.0",
                "name", "cocoon-cri",
                "plugins", List.of(Json.object(
                        "type", "bridge",
                        "bridge", bridge,
                        "isGateway", true,
                        "ipMasq", false,
                        "hairpinMode", true,
                        "ipam", Json.object(
                                "type", "host-local",
                                "ranges", List.of(List.of(Json.object("subnet", subnet))),
                                "dataDir", work.resolve("cni/ipam").toString()))))) + "\n";
    }

    private static String q(Object s) {
        return "\"" + s.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void importImages() throws IOException, InterruptedException {
        Path bb = work.resolve("images/busybox");
        Bundle.busyboxRootfs(bb.resolve("rootfs"));
        importArchive(OciImage.archive(bb.resolve("rootfs"), bb, BUSYBOX, List.of(), List.of("sh")));
        Path pause = work.resolve("images/pause");
        Path rootfs = Files.createDirectories(pause.resolve("rootfs"));
        List<String> entrypoint;
        if (pauseKind.equals("catatonit")) {
            Files.copy(Path.of("/usr/bin/catatonit"), rootfs.resolve("catatonit"));
            entrypoint = List.of("/catatonit", "-P");
        } else {
            Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
            entrypoint = List.of("/bin/busybox", "sleep", "2147483647");
        }
        importArchive(OciImage.archive(rootfs, pause, PAUSE, entrypoint, List.of()));
    }

    private void importArchive(Path archive) {
        Cocoon.Result r = ctr("images", "import", archive.toString());
        if (r.rc() != 0) throw new IllegalStateException("ctr images import " + archive + ": " + r);
    }

    // ---------------------------------------------------------------- accessors

    public CriClient client() {
        return client;
    }

    public Path socket() {
        return socket;
    }

    public Path work() {
        return work;
    }

    public Path state() {
        return state;
    }

    public Path config() {
        return config;
    }

    public String configText() {
        try {
            return Files.readString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "catatonit" or "busybox": what the pause image runs. */
    public String pauseKind() {
        return pauseKind;
    }

    /** The cgroup parent pods should be given (LinuxPodSandboxConfig.cgroup_parent); removed on close. */
    public String cgroupParent() {
        return cgroupParent;
    }

    /** The handler's options.Root; the shim passes {@code --root <it>/k8s.io} to the runtime. */
    public Path runtimeRoot(String name) {
        return state.resolve("runtime-" + name);
    }

    /** The runtime's own state directory of container {@code id} under handler {@code name} (runc: state.json). */
    public Path runtimeState(String name, String id) {
        return runtimeRoot(name).resolve(NAMESPACE).resolve(id);
    }

    /** The shim's bundle of a sandbox or container: {@code config.json} is the OCI spec the runtime got. */
    public Path bundle(String id) {
        return state.resolve("io.containerd.runtime.v2.task").resolve(NAMESPACE).resolve(id);
    }

    /** containerd's own CRI record of a sandbox (its root dir: resolv.conf, hostname, hosts). */
    public Path sandboxRoot(String id) {
        return work.resolve("root/io.containerd.grpc.v1.cri/sandboxes").resolve(id);
    }

    /** containerd's log so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** ctr against this containerd, namespace k8s.io. */
    public Cocoon.Result ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "-n", NAMESPACE));
        cmd.addAll(List.of(args));
        return Cocoon.exec(cmd, work, null, Duration.ofSeconds(120));
    }

    /**
     * The network namespace path of a sandbox, from PodSandboxStatus's verbose info (containerd:
     * {@code info.runtimeSpec.linux.namespaces}), or null. Remembered so that close removes it if needed.
     */
    @SuppressWarnings("unchecked")
    public String netnsPath(String podId) {
        String info = client.podSandboxStatus(podId, true).getInfoMap().get("info");
        if (info == null) return null;
        Map<String, Object> spec = (Map<String, Object>) Json.parseObject(info).get("runtimeSpec");
        if (spec == null) return null;
        Map<String, Object> linux = (Map<String, Object>) spec.get("linux");
        for (Object o : (List<Object>) linux.getOrDefault("namespaces", List.of())) {
            Map<String, Object> ns = (Map<String, Object>) o;
            if ("network".equals(ns.get("type")) && ns.get("path") != null) {
                String p = ns.get("path").toString();
                netnsSeen.add(p);
                return p;
            }
        }
        return null;
    }

    /** Names listed by {@code ip netns}. */
    public static List<String> ipNetns() {
        Cocoon.Result r = Cocoon.exec(List.of("ip", "netns", "list"), null, null, Duration.ofSeconds(30));
        return r.out().lines().map(l -> l.split(" ")[0]).filter(s -> !s.isBlank()).toList();
    }

    // ---------------------------------------------------------------- tear-down

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running or ran
            }
        }
        List<String> problems = new ArrayList<>();
        if (client != null) {
            removePodsThroughCri(problems);
            client.close();
        }
        if (containerd != null) {
            containerd.destroy();
            try {
                if (!containerd.waitFor(20, TimeUnit.SECONDS)) {
                    containerd.destroyForcibly();
                    containerd.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // what CRI could not remove: containers left in the handlers' roots, then the shims
        for (String h : handlers.keySet()) forceDeleteContainers(h, problems);
        for (long pid : Cocoon.pidsMatching(socket.toString())) {
            ProcessHandle.of(pid).ifPresent(p -> {
                problems.add("killed leftover process " + pid + " " + p.info().commandLine().orElse(""));
                p.destroyForcibly();
            });
        }
        for (String ns : netnsSeen) {
            if (Files.exists(Path.of(ns))) {
                problems.add("removed leftover netns " + ns);
                sh("umount -l '" + ns + "' 2>/dev/null; rm -f '" + ns + "'");
            }
        }
        sh("ip link show " + bridge + " >/dev/null 2>&1 && ip link delete " + bridge);
        // mounts under our directories (rootfs overlays, shm, netns bind mounts), deepest first
        sh("grep -E ' (" + work + "|" + state + ")[/ ]' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l");
        removeCgroups();
        Cocoon.exec(List.of("rm", "-rf", work.toString(), state.toString()), null, null, Duration.ofSeconds(60));
        if (!problems.isEmpty()) System.err.println("CriContainerd tear-down: " + String.join("; ", problems));
    }

    private void removePodsThroughCri(List<String> problems) {
        try {
            for (PodSandbox p : client.listPodSandbox()) {
                try {
                    netnsPath(p.getId());
                } catch (RuntimeException e) {
                    // the status may be gone already; the stop/remove below still applies
                }
                try {
                    client.stopPodSandbox(p.getId());
                    client.removePodSandbox(p.getId());
                } catch (RuntimeException e) {
                    problems.add("pod " + p.getId() + ": " + e);
                }
            }
        } catch (RuntimeException e) {
            problems.add("ListPodSandbox: " + e);
        }
    }

    private void forceDeleteContainers(String handler, List<String> problems) {
        Path root = runtimeRoot(handler).resolve(NAMESPACE);
        if (!Files.isDirectory(root)) return;
        String bin = handlers.get(handler).toString();
        try (Stream<Path> s = Files.list(root)) {
            // one directory per container (runc: state.json); skip a runtime's own dot-dirs (cocoon: .s)
            for (Path c : s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                String id = c.getFileName().toString();
                problems.add("force-deleted " + handler + " container " + id);
                Cocoon.exec(List.of(bin, "--root", root.toString(), "delete", "--force", id), null, null, Duration.ofSeconds(60));
            }
        } catch (IOException e) {
            problems.add("listing " + root + ": " + e);
        }
    }

    /** rmdir the pods' cgroup parent in every hierarchy, children first (only empty cgroups go). */
    private void removeCgroups() {
        Path fs = Path.of("/sys/fs/cgroup");
        List<Path> parents = new ArrayList<>();
        Path unified = fs.resolve(cgroupParent.substring(1));
        if (Files.isDirectory(unified)) parents.add(unified);
        try (Stream<Path> s = Files.list(fs)) {
            s.map(h -> h.resolve(cgroupParent.substring(1))).filter(Files::isDirectory).forEach(parents::add);
        } catch (IOException e) {
            return;
        }
        for (Path p : new LinkedHashSet<>(parents)) {
            try (Stream<Path> w = Files.walk(p)) {
                for (Path d : w.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.delete(d);
                    } catch (IOException e) {
                        // busy or not a cgroup dir: leave it
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // gone meanwhile
            }
        }
    }

    private static void sh(String script) {
        Cocoon.exec(List.of("sh", "-c", script), null, null, Duration.ofSeconds(60));
    }
}
