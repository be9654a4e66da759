package io.cocoon.spi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VM part of a {@link SandboxPlan}: which hypervisor, kernel, initrd and size. Filled, in
 * this order of precedence (lowest first), from built-in defaults, {@code vm.json}, the
 * config.json {@code vm} object, {@code linux.resources} and {@code io.cocoon.*} annotations.
 * {@link #sources()} records which file each came from, for the log.
 */
public final class VmSettings {
    /** How long a guest may take from launch to the agent's answer, unless configured. */
    public static final long DEFAULT_BOOT_TIMEOUT_MS = 30_000;
    /**
     * Guest RAM without a memory limit: large, as Kata's default, because the host backs only
     * what the guest touches and free page reporting gives back what it frees; a 256 MiB guest
     * OOM-killed a 200 MB process that runc runs.
     */
    public static final long DEFAULT_MEMORY_MIB = 2048;

    private String hypervisor;
    private Path hypervisorPath;
    private final List<String> hypervisorParams = new ArrayList<>();
    private Path kernel;
    private boolean hostKernel;
    private final List<String> kernelParams = new ArrayList<>();
    private Path initrd;
    private Path image;
    private String imageFormat;
    private int vcpus = 1;
    private long memoryMiB = DEFAULT_MEMORY_MIB;
    private String accelerator = "auto";
    private long bootTimeoutMs = DEFAULT_BOOT_TIMEOUT_MS;
    private List<String> template = List.of();
    private Path templateSource;
    private final Map<String, String> sources = new LinkedHashMap<>();

    /** Hypervisor driver name ({@code qemu-lite}, {@code xen-xl}), or null for the default. */
    public String hypervisor() { return hypervisor; }
    public void hypervisor(String h) { hypervisor = h; }

    /** Explicit hypervisor binary, or null to let the driver find it. */
    public Path hypervisorPath() { return hypervisorPath; }
    public void hypervisorPath(Path p) { hypervisorPath = p; }

    /** Extra hypervisor arguments (config.json {@code vm.hypervisor.parameters}). */
    public List<String> hypervisorParams() { return hypervisorParams; }

    /** Guest kernel, or null for Cocoon's own. */
    public Path kernel() { return kernel; }
    public void kernel(Path k) { kernel = k; }

    /** Extra kernel command-line parameters. */
    public List<String> kernelParams() { return kernelParams; }

    /** Boot the host's distribution kernel (with its modules) instead of Cocoon's own. */
    public boolean hostKernel() { return hostKernel; }
    public void hostKernel(boolean h) { hostKernel = h; }

    public Path initrd() { return initrd; }
    public void initrd(Path p) { initrd = p; }

    /** A root disk image ({@code vm.image}), or null when the bundle rootfs is shared. */
    public Path image() { return image; }
    public void image(Path p) { image = p; }

    public String imageFormat() { return imageFormat; }
    public void imageFormat(String f) { imageFormat = f; }

    public int vcpus() { return vcpus; }
    public void vcpus(int n) { vcpus = n; }

    public long memoryMiB() { return memoryMiB; }
    public void memoryMiB(long m) { memoryMiB = m; }

    /** {@code auto} (KVM when usable, else TCG), {@code kvm} or {@code tcg}. */
    public String accelerator() { return accelerator; }
    public void accelerator(String a) { accelerator = a; }

    /** Deadline from launching the hypervisor to the agent's HELLO answer, in ms. */
    public long bootTimeoutMs() { return bootTimeoutMs; }
    public void bootTimeoutMs(long ms) { bootTimeoutMs = ms; }

    /**
     * Lines of a cc-oci-runtime {@code hypervisor.args} template (one argument per line, with
     * {@code @TAG@} placeholders), or empty when the driver builds its own command line.
     */
    public List<String> template() { return template; }
    public void template(List<String> lines, Path source) { template = List.copyOf(lines); templateSource = source; }

    public Path templateSource() { return templateSource; }

    /** Setting name to the file or annotation it came from. */
    public Map<String, String> sources() { return sources; }
}
