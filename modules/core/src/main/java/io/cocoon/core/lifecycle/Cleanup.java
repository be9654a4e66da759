package io.cocoon.core.lifecycle;

import io.cocoon.core.log.RuntimeLog;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.StateStore;
import io.cocoon.core.util.Processes;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.NetworkProvider;
import io.cocoon.spi.NetworkRequest;
import io.cocoon.spi.StorageProvider;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Releases everything a container holds on the host: its monitor, its VM process, and whatever
 * the drivers listed in {@code resources.json} set up. Safe to repeat, and safe after any crash:
 * each step looks at what is actually there.
 */
public final class Cleanup {
    private Cleanup() {}

    /**
     * What {@code resources.json} records: the drivers to call back, and their inputs.
     *
     * @param memberShare a pod member's directory in its sandbox's share (removed at cleanup), or null
     */
    public record Resources(String hypervisor, String storage, String network, String netnsPath,
                            Map<String, String> annotations, String memberShare) {
        public Resources(String hypervisor, String storage, String network, String netnsPath, Map<String, String> annotations) {
            this(hypervisor, storage, network, netnsPath, annotations, null);
        }

        public String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hypervisor", hypervisor);
            m.put("storage", storage);
            m.put("network", network);
            m.put("netnsPath", netnsPath);
            m.put("annotations", annotations);
            if (memberShare != null) m.put("memberShare", memberShare);
            return Json.pretty(m);
        }

        public static Resources read(Path file) throws IOException {
            Map<String, Object> m = Json.parseObject(Files.readString(file));
            Map<String, String> ann = new LinkedHashMap<>();
            JsonValues.map(m, "annotations").forEach((k, v) -> ann.put(k, String.valueOf(v)));
            return new Resources(JsonValues.string(m, "hypervisor").orElse(null),
                    JsonValues.string(m, "storage").orElse(null), JsonValues.string(m, "network").orElse(null),
                    JsonValues.string(m, "netnsPath").orElse(null), ann, JsonValues.string(m, "memberShare").orElse(null));
        }
    }

    /**
     * Kills the monitor and VM if they still run, then releases driver resources.
     *
     * @param plugins loaded only if a driver has something to release
     */
    public static void all(StateStore store, String id, ContainerRecord r, Supplier<PluginRegistry> plugins) {
        if (r != null) {
            // with what it spawned: a monitor killed mid-spawn leaves a QEMU not yet tied to it
            Processes.killTree(r.pid(), r.pidStart(), 5000);
            Processes.killTree(r.vmPid(), r.vmPidStart(), 5000);
        }
        releaseDrivers(store.dir(id), id, plugins);
        removeCgroups(store.dir(id));
    }

    /**
     * Removes the host cgroup directories the monitor created. A cgroup is busy until its last
     * process is reaped, and a killed QEMU may stay a zombie for a moment (its parent, the
     * monitor, is gone too), so this retries for up to two seconds.
     */
    public static void removeCgroups(Path stateDir) {
        for (Path dir : cgroupDirs(stateDir)) {
            if (!Files.isDirectory(dir)) continue;
            long deadline = System.currentTimeMillis() + 2000;
            while (true) {
                try {
                    Files.deleteIfExists(dir);
                    break;
                } catch (IOException e) {
                    if (System.currentTimeMillis() > deadline) {
                        RuntimeLog.get().warn("cgroup " + dir + " not removed: " + e.getMessage());
                        break;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
    }

    /**
     * The host cgroups of a container: those its monitor recorded, else (a monitor killed between
     * making them and recording them, e.g. with its create) those launch.json's cgroupsPath names.
     */
    static java.util.List<Path> cgroupDirs(Path stateDir) {
        Path f = stateDir.resolve(ContainerFiles.CGROUPS);
        try {
            if (Files.exists(f)) return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(l -> Path.of(l.trim())).toList();
            Path launch = stateDir.resolve(ContainerFiles.LAUNCH);
            if (!Files.exists(launch)) return java.util.List.of();
            String path = JsonValues.string(Json.parseObject(Files.readString(launch)), "cgroupsPath").orElse(null);
            return io.cocoon.core.cgroup.HostCgroup.dirs(io.cocoon.core.cgroup.HostCgroup.ROOT, path);
        } catch (IOException | RuntimeException e) {
            RuntimeLog.get().warn("host cgroups of " + stateDir.getFileName() + ": " + e.getMessage());
            return java.util.List.of();
        }
    }

    /** Calls the drivers named in resources.json, then removes it. Errors are logged, not thrown. */
    public static void releaseDrivers(Path stateDir, String id, Supplier<PluginRegistry> plugins) {
        releaseDrivers(stateDir, id, plugins, true);
    }

    /**
     * @param network also the network driver; the monitor, which lives in the container's own
     *     mount and network namespaces, leaves it to {@code delete}, which runs in the host's (a
     *     network namespace made by CNI is a mount in the host's {@code /run/netns})
     */
    public static void releaseDrivers(Path stateDir, String id, Supplier<PluginRegistry> plugins, boolean network) {
        Path f = stateDir.resolve(ContainerFiles.RESOURCES);
        if (!Files.exists(f)) return;
        RuntimeLog log = RuntimeLog.get();
        Resources res;
        try {
            res = Resources.read(f);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read " + f + ": " + e.getMessage());
            return;
        }
        PluginRegistry reg = plugins.get();
        boolean ok = true;
        if (res.hypervisor() != null) {
            Hypervisor h = reg.hypervisor(res.hypervisor()).orElse(null);
            ok &= call(() -> { if (h != null) h.cleanup(stateDir); }, "hypervisor " + res.hypervisor(), log);
        }
        if (res.storage() != null) {
            StorageProvider s = reg.storages().stream().filter(x -> x.name().equals(res.storage())).findFirst().orElse(null);
            ok &= call(() -> { if (s != null) s.release(stateDir); }, "storage " + res.storage(), log);
        }
        if (!network && res.network() != null) {
            // keep resources.json for delete: it names the network driver still to be called
            if (res.network() != null) ok = false;
        } else if (res.network() != null) {
            NetworkProvider n = reg.networks().stream().filter(x -> x.name().equals(res.network())).findFirst().orElse(null);
            NetworkRequest req = new NetworkRequest(id, stateDir, res.netnsPath(), res.annotations());
            ok &= call(() -> { if (n != null) n.teardown(req); }, "network " + res.network(), log);
        }
        if (res.memberShare() != null) {
            // what the sandbox's monitor has not removed yet; a mount point there is never crossed,
            // and one still busy in the sandbox's namespace goes with the sandbox's state directory
            try {
                io.cocoon.core.state.StateStore.deleteTree(Path.of(res.memberShare()));
            } catch (IOException e) {
                log.debug("pod member share " + res.memberShare() + ": " + e.getMessage());
            }
        }
        if (ok) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                log.warn("cannot remove " + f + ": " + e.getMessage());
            }
        }
    }

    private static boolean call(Runnable r, String what, RuntimeLog log) {
        try {
            r.run();
            return true;
        } catch (RuntimeException e) {
            log.warn("cleanup of " + what + " failed: " + e.getMessage());
            return false;
        }
    }
}
