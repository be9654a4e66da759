package io.cocoon.core.config;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.VmSettings;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * cc-oci-runtime's {@code vm.json}: {@code {"vm": {"path", "image", "kernel": {"path",
 * "parameters"}}}}, with Cocoon's additions {@code hypervisor} (driver name), {@code initrd},
 * {@code memory} (MiB), {@code cpus} and {@code accel}. {@code parameters} may be a string
 * (cc-oci-runtime) or an array.
 */
public record VmJson(String hypervisor, String path, String image, String kernel, List<String> kernelParams,
                     String initrd, Long memory, Long cpus, String accel) {

    public static VmJson read(Path file) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(Files.readString(file));
        } catch (IOException e) {
            throw new CocoonException("cannot read " + file + ": " + e.getMessage());
        } catch (JsonException e) {
            throw new CocoonException(file + ": malformed JSON: " + e.getMessage());
        }
        if (!(root.get("vm") instanceof Map<?, ?> vm)) throw new CocoonException(file + ": vm: is required and must be an object");
        Object k = vm.get("kernel");
        String kernel = null;
        List<String> params = List.of();
        if (k instanceof Map<?, ?> km) {
            kernel = str(km, "path", file, "vm.kernel.path");
            Object p = km.get("parameters");
            if (p instanceof String s) params = Arrays.stream(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList();
            else if (p instanceof List<?> l) params = l.stream().map(String::valueOf).toList();
            else if (p != null) throw new CocoonException(file + ": vm.kernel.parameters: must be a string or an array");
        } else if (k != null) {
            throw new CocoonException(file + ": vm.kernel: must be an object");
        }
        return new VmJson(str(vm, "hypervisor", file, "vm.hypervisor"), str(vm, "path", file, "vm.path"),
                str(vm, "image", file, "vm.image"), kernel, params, str(vm, "initrd", file, "vm.initrd"),
                num(vm, "memory", file), num(vm, "cpus", file), str(vm, "accel", file, "vm.accel"));
    }

    private static String str(Map<?, ?> m, String key, Path file, String path) {
        Object v = m.get(key);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new CocoonException(file + ": " + path + ": must be a string");
        return s.isEmpty() ? null : s;
    }

    private static Long num(Map<?, ?> m, String key, Path file) {
        Object v = m.get(key);
        if (v == null) return null;
        if (!(v instanceof Long n) || n < 1) throw new CocoonException(file + ": vm." + key + ": must be a positive integer");
        return n;
    }

    public void applyTo(VmSettings vm, String source) {
        Path dir = Path.of(source).getParent();
        if (hypervisor != null) { vm.hypervisor(hypervisor); vm.sources().put("hypervisor", source); }
        if (path != null) { vm.hypervisorPath(dir.resolve(path)); vm.sources().put("hypervisorPath", source); }
        if (image != null) { vm.image(dir.resolve(image)); vm.sources().put("image", source); }
        if (kernel != null) { vm.kernel(dir.resolve(kernel)); vm.sources().put("kernel", source); }
        vm.kernelParams().addAll(kernelParams);
        if (initrd != null) { vm.initrd(dir.resolve(initrd)); vm.sources().put("initrd", source); }
        if (memory != null) { vm.memoryMiB(memory); vm.sources().put("memory", source); }
        if (cpus != null) { vm.vcpus(cpus.intValue()); vm.sources().put("vcpus", source); }
        if (accel != null) { vm.accelerator(accel); vm.sources().put("accel", source); }
    }
}
