package io.cocoon.core.spec;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.VmSettings;
import io.cocoon.spi.oci.Spec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code annotations}: kept for the state, and {@code io.cocoon.*} keys override the VM
 * settings per container. Runs last among core handlers so that it wins.
 */
public final class AnnotationsHandler implements SpecHandler {
    public static final String MEMORY = "io.cocoon.vm.memory";
    public static final String CPUS = "io.cocoon.vm.cpus";
    public static final String HYPERVISOR = "io.cocoon.hypervisor";
    public static final String KERNEL = "io.cocoon.vm.kernel";
    public static final String INITRD = "io.cocoon.vm.initrd";
    public static final String KERNEL_PARAMS = "io.cocoon.vm.kernel_params";
    public static final String ACCEL = "io.cocoon.vm.accel";
    public static final String NETWORK = "io.cocoon.network";
    public static final String STORAGE = "io.cocoon.storage";
    /** Boot deadline in ms, at least 1000. */
    public static final String BOOT_TIMEOUT = "io.cocoon.vm.boot_timeout";
    /** Keys plugins own (checked by their handlers) are not warned about. */
    public static final String PLUGIN_PREFIX = "io.cocoon.plugin.";
    private static final List<String> KNOWN = List.of(MEMORY, CPUS, HYPERVISOR, KERNEL, INITRD, KERNEL_PARAMS, ACCEL,
            NETWORK, STORAGE, BOOT_TIMEOUT);

    @Override public String section() { return "annotations"; }
    @Override public int order() { return 900; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        plan.annotations().putAll(spec.annotations());
        VmSettings vm = plan.vm();
        for (Map.Entry<String, String> e : spec.annotations().entrySet()) {
            String key = e.getKey(), value = e.getValue().trim(), path = "annotations." + key;
            if (!key.startsWith("io.cocoon.")) continue;
            switch (key) {
                case MEMORY -> vm.memoryMiB(mebibytes(value, path));
                case CPUS -> vm.vcpus((int) positive(value, path, 256));
                case HYPERVISOR -> vm.hypervisor(value);
                case KERNEL -> {
                    if (value.equals("host")) vm.hostKernel(true); // the host's Debian kernel, see HostKernel
                    else vm.kernel(VmHandler.file(plan, value, path));
                }
                case INITRD -> vm.initrd(VmHandler.file(plan, value, path));
                case KERNEL_PARAMS -> vm.kernelParams().addAll(Arrays.asList(value.split("\\s+")));
                case ACCEL -> {
                    if (!List.of("auto", "kvm", "tcg").contains(value)) throw new SpecException(path, "must be auto, kvm or tcg");
                    vm.accelerator(value);
                }
                case BOOT_TIMEOUT -> vm.bootTimeoutMs(Math.max(1000, positive(value, path, Long.MAX_VALUE)));
                default -> {
                    if (!KNOWN.contains(key) && !key.startsWith(PLUGIN_PREFIX)) plan.warn(path, "unknown Cocoon annotation ignored");
                }
            }
            if (KNOWN.contains(key)) vm.sources().put(key.substring(key.lastIndexOf('.') + 1), "annotation " + key);
        }
    }

    /** Accepts {@code 512}, {@code 512M}, {@code 512MiB}, {@code 2G}, {@code 2GiB}. */
    static long mebibytes(String v, String path) {
        String s = v.toUpperCase().replace("IB", "").replace("B", "");
        long mult = 1;
        if (s.endsWith("G")) { mult = 1024; s = s.substring(0, s.length() - 1); }
        else if (s.endsWith("M")) { s = s.substring(0, s.length() - 1); }
        long n = positive(s, path, 1 << 20) * mult;
        if (n < 64) throw new SpecException(path, "must be at least 64 MiB");
        return n;
    }

    static long positive(String v, String path, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < 1 || n > max) throw new SpecException(path, "must be between 1 and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw new SpecException(path, "must be a number, got \"" + v + "\"");
        }
    }
}
