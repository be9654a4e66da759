package io.cocoon.core.spec;

import io.cocoon.core.config.HypervisorArgs;
import io.cocoon.core.config.VmJson;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.VmSettings;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * VM configuration from the three sources cc-oci-runtime and runtime-spec define: {@code vm.json}
 * (bundle, /etc/cocoon, defaults) first, then the config.json {@code vm} object over it, and a
 * {@code hypervisor.args} template for the hypervisor command line. Annotations come later
 * ({@link AnnotationsHandler}).
 */
public final class VmHandler implements SpecHandler {
    @Override public String section() { return "vm"; }
    /** Before linux.resources (200) and annotations (900), which override the VM size. */
    @Override public int order() { return 180; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        VmSettings vm = plan.vm();
        Optional<Path> vmJson = plan.locate("vm.json");
        if (vmJson.isPresent()) VmJson.read(vmJson.get()).applyTo(vm, vmJson.get().toString());
        Optional<Path> args = plan.locate("hypervisor.args");
        if (args.isPresent()) vm.template(HypervisorArgs.read(args.get()), args.get());
        Spec.Vm v = spec.vm();
        if (v == null) return;
        if (v.hypervisor() != null) {
            vm.hypervisorPath(file(plan, v.hypervisor().path(), "vm.hypervisor.path"));
            vm.hypervisorParams().addAll(v.hypervisor().parameters());
            vm.sources().put("hypervisor", "config.json vm.hypervisor");
        }
        if (v.kernel() != null) {
            vm.kernel(file(plan, v.kernel().path(), "vm.kernel.path"));
            vm.kernelParams().addAll(v.kernel().parameters());
            if (v.kernel().initrd() != null && !v.kernel().initrd().isEmpty()) {
                vm.initrd(file(plan, v.kernel().initrd(), "vm.kernel.initrd"));
            }
            vm.sources().put("kernel", "config.json vm.kernel");
        }
        if (v.image() != null) {
            if (!List.of("raw", "qcow2").contains(v.image().format())) {
                throw new SpecException("vm.image.format", "must be raw or qcow2 (the block storage driver mounts it as the root)");
            }
            vm.image(file(plan, v.image().path(), "vm.image.path"));
            vm.imageFormat(v.image().format());
            vm.sources().put("image", "config.json vm.image");
        }
    }

    /** Paths in config.json are absolute or relative to the bundle and must exist. */
    static Path file(SandboxPlan plan, String value, String path) {
        if (value == null || value.isEmpty()) throw new SpecException(path, "must not be empty");
        Path p = plan.bundle().resolve(value).normalize();
        if (!Files.isRegularFile(p) && !Files.isDirectory(p)) throw new SpecException(path, p + " does not exist");
        return p;
    }
}
