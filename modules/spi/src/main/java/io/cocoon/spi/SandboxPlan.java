package io.cocoon.spi;

import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything Cocoon will do for one container, built by the {@link SpecHandler} pipeline from
 * config.json and then handed to the storage, network and hypervisor drivers.
 *
 * <p>Handlers write it (each its own section); drivers only read it. It is deliberately a
 * plain mutable bag rather than a builder: handlers run in order and later ones may refine
 * what earlier ones decided (an annotation handler overriding VM memory, say).
 */
public final class SandboxPlan {
    /** Guest namespaces a container can get. The network namespace is the VM's own. */
    public static final Set<String> GUEST_NAMESPACES = Set.of("pid", "mount", "ipc", "uts", "cgroup");

    private final String id;
    private final Path bundle;
    private final Function<String, Optional<Path>> locator;
    private String ociVersion;
    private Path rootfs;
    private boolean rootReadonly;
    private Spec.Process process;
    private String hostname = "";
    private String domainname = "";
    private final List<Spec.Mount> mounts = new ArrayList<>();
    private final List<Linux.Device> devices = new ArrayList<>();
    private final Map<String, String> sysctl = new LinkedHashMap<>();
    private final List<String> maskedPaths = new ArrayList<>();
    private final List<String> readonlyPaths = new ArrayList<>();
    private final Set<String> namespaces = new LinkedHashSet<>();
    private String netnsPath;
    private boolean privateNetwork;
    private Spec.Hooks hooks = Spec.Hooks.NONE;
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private Linux.Resources resources = Linux.Resources.NONE;
    private Linux.Seccomp seccomp;
    private String cgroupsPath;
    private String rootfsPropagation;
    private final VmSettings vm = new VmSettings();
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Object> extensions = new LinkedHashMap<>();

    /**
     * @param locator finds a configuration file by name in the bundle, then {@code /etc/cocoon},
     *     then {@code <prefix>/share/defaults/cocoon}
     */
    public SandboxPlan(String id, Path bundle, Function<String, Optional<Path>> locator) {
        this.id = Objects.requireNonNull(id);
        this.bundle = Objects.requireNonNull(bundle);
        this.locator = Objects.requireNonNull(locator);
    }

    public String id() { return id; }

    /** Absolute bundle directory. */
    public Path bundle() { return bundle; }

    /** Looks a configuration file up along the search path (bundle, /etc/cocoon, defaults). */
    public Optional<Path> locate(String fileName) { return locator.apply(fileName); }

    /** Records a setting that a VM cannot honour but that is safe to ignore. */
    public void warn(String path, String problem) { warnings.add(path + ": " + problem); }

    public List<String> warnings() { return warnings; }

    public String ociVersion() { return ociVersion; }
    public void ociVersion(String v) { ociVersion = v; }

    /** Absolute path of the container root filesystem on the host. */
    public Path rootfs() { return rootfs; }
    public void rootfs(Path p) { rootfs = p; }

    public boolean rootReadonly() { return rootReadonly; }
    public void rootReadonly(boolean r) { rootReadonly = r; }

    public Spec.Process process() { return process; }
    public void process(Spec.Process p) { process = p; }

    public String hostname() { return hostname; }
    public void hostname(String h) { hostname = h == null ? "" : h; }

    public String domainname() { return domainname; }
    public void domainname(String d) { domainname = d == null ? "" : d; }

    /** The spec's mounts, in order; storage drivers turn the binds among them into shares. */
    public List<Spec.Mount> mounts() { return mounts; }

    /** {@code linux.devices}: nodes the agent creates in the container (validated by core). */
    public List<Linux.Device> devices() { return devices; }

    public Map<String, String> sysctl() { return sysctl; }
    public List<String> maskedPaths() { return maskedPaths; }
    public List<String> readonlyPaths() { return readonlyPaths; }

    /** Namespaces to create inside the guest, a subset of {@link #GUEST_NAMESPACES}. */
    public Set<String> namespaces() { return namespaces; }

    /** A network namespace the caller prepared (e.g. podman's /run/netns/...), or null. */
    public String netnsPath() { return netnsPath; }
    public void netnsPath(String p) { netnsPath = p; }

    /**
     * The spec asks for a network namespace (new, or the {@link #netnsPath} given). Without one it
     * asks for the host's network, which a VM cannot have (core refuses that at create).
     */
    public boolean privateNetwork() { return privateNetwork; }
    public void privateNetwork(boolean p) { privateNetwork = p; }

    public Spec.Hooks hooks() { return hooks; }
    public void hooks(Spec.Hooks h) { hooks = h == null ? Spec.Hooks.NONE : h; }

    public Map<String, String> annotations() { return annotations; }

    public Linux.Resources resources() { return resources; }
    public void resources(Linux.Resources r) { resources = r == null ? Linux.Resources.NONE : r; }

    /** The OCI seccomp profile, or null; core compiles it to BPF for the agent. */
    public Linux.Seccomp seccomp() { return seccomp; }
    public void seccomp(Linux.Seccomp s) { seccomp = s; }

    public String cgroupsPath() { return cgroupsPath; }
    public void cgroupsPath(String p) { cgroupsPath = p; }

    public String rootfsPropagation() { return rootfsPropagation; }
    public void rootfsPropagation(String p) { rootfsPropagation = p; }

    public VmSettings vm() { return vm; }

    /** Free-form values plugin handlers pass to their own drivers (keyed by plugin name). */
    public Map<String, Object> extensions() { return extensions; }
}
