package io.cocoon.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.VmSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmJsonTest {
    @TempDir Path dir;

    private VmJson read(String json) throws IOException {
        Path f = dir.resolve("vm.json");
        Files.writeString(f, json);
        return VmJson.read(f);
    }

    private CocoonException refused(String json) {
        return assertThrows(CocoonException.class, () -> read(json));
    }

    @Test
    void readsCcOciRuntimeFormatWithStringParameters() throws IOException {
        VmJson v = read("""
                {
                    "vm": {
                        "path": "/usr/bin/qemu-lite-system-x86_64",
                        "image": "/usr/share/clear-containers/clear-containers.img",
                        "kernel": {
                            "path": "/usr/share/clear-containers/vmlinux.container",
                            "parameters": "  root=/dev/pmem0p1 rootflags=dax,data=ordered,errors=remount-ro rw   rootfstype=ext4 tsc=reliable "
                        }
                    }
                }""");
        assertEquals("/usr/bin/qemu-lite-system-x86_64", v.path());
        assertEquals("/usr/share/clear-containers/clear-containers.img", v.image());
        assertEquals("/usr/share/clear-containers/vmlinux.container", v.kernel());
        assertEquals(List.of("root=/dev/pmem0p1", "rootflags=dax,data=ordered,errors=remount-ro", "rw", "rootfstype=ext4",
                "tsc=reliable"), v.kernelParams());
        assertNull(v.hypervisor());
        assertNull(v.memory());
    }

    @Test
    void readsArrayParametersAndCocoonAdditions() throws IOException {
        VmJson v = read("{\"vm\": {\"hypervisor\": \"qemu-lite\", \"kernel\": {\"path\": \"vmlinuz\", \"parameters\": [\"a=1\", \"b c\"]},"
                + " \"initrd\": \"initrd.img\", \"memory\": 1024, \"cpus\": 4, \"accel\": \"kvm\", \"image\": \"\"}}");
        assertEquals(new VmJson("qemu-lite", null, null, "vmlinuz", List.of("a=1", "b c"), "initrd.img", 1024L, 4L, "kvm"), v);
        assertEquals(List.of(), read("{\"vm\": {\"kernel\": {\"path\": \"k\", \"parameters\": \"   \"}}}").kernelParams());
    }

    @Test
    void applyToResolvesPathsAgainstTheFilesDirectoryAndRecordsSources() throws IOException {
        VmJson v = read("{\"vm\": {\"path\": \"bin/qemu\", \"kernel\": {\"path\": \"/boot/vmlinuz\", \"parameters\": \"quiet\"},"
                + " \"image\": \"disk.img\", \"initrd\": \"initrd.img\", \"memory\": 2048, \"cpus\": 2, \"accel\": \"tcg\","
                + " \"hypervisor\": \"qemu-lite\"}}");
        VmSettings s = new VmSettings();
        s.kernelParams().add("console=hvc0");
        String source = dir.resolve("vm.json").toString();
        v.applyTo(s, source);
        assertEquals(dir.resolve("bin/qemu"), s.hypervisorPath());
        assertEquals(Path.of("/boot/vmlinuz"), s.kernel());
        assertEquals(dir.resolve("disk.img"), s.image());
        assertEquals(dir.resolve("initrd.img"), s.initrd());
        assertEquals(List.of("console=hvc0", "quiet"), s.kernelParams());
        assertEquals(2048, s.memoryMiB());
        assertEquals(2, s.vcpus());
        assertEquals("tcg", s.accelerator());
        assertEquals("qemu-lite", s.hypervisor());
        assertEquals(List.of("hypervisor", "hypervisorPath", "image", "kernel", "initrd", "memory", "vcpus", "accel"),
                List.copyOf(s.sources().keySet()));
        assertTrue(s.sources().values().stream().allMatch(source::equals));
    }

    @Test
    void emptyVmChangesNothing() throws IOException {
        VmSettings s = new VmSettings();
        read("{\"vm\": {}}").applyTo(s, dir.resolve("vm.json").toString());
        assertEquals(VmSettings.DEFAULT_MEMORY_MIB, s.memoryMiB());
        assertEquals(1, s.vcpus());
        assertNull(s.kernel());
        assertTrue(s.sources().isEmpty());
    }

    @Test
    void errorsNameTheFileAndField() {
        String f = dir.resolve("vm.json").toString();
        assertEquals(f + ": vm: is required and must be an object", refused("{\"kernel\": {}}").getMessage());
        assertEquals(f + ": vm: is required and must be an object", refused("{\"vm\": []}").getMessage());
        assertEquals(f + ": vm.kernel: must be an object", refused("{\"vm\": {\"kernel\": \"/k\"}}").getMessage());
        assertEquals(f + ": vm.kernel.parameters: must be a string or an array",
                refused("{\"vm\": {\"kernel\": {\"path\": \"k\", \"parameters\": 5}}}").getMessage());
        assertEquals(f + ": vm.kernel.path: must be a string", refused("{\"vm\": {\"kernel\": {\"path\": 5}}}").getMessage());
        assertEquals(f + ": vm.memory: must be a positive integer", refused("{\"vm\": {\"memory\": \"1G\"}}").getMessage());
        assertEquals(f + ": vm.cpus: must be a positive integer", refused("{\"vm\": {\"cpus\": -1}}").getMessage());
        assertEquals(f + ": vm.path: must be a string", refused("{\"vm\": {\"path\": true}}").getMessage());
        CocoonException e = refused("{\"vm\": {\"memory\": 1,}}");
        assertTrue(e.getMessage().startsWith(f + ": malformed JSON: ") && e.getMessage().contains("line 1"), e.getMessage());
        e = assertThrows(CocoonException.class, () -> VmJson.read(dir.resolve("none.json")));
        assertTrue(e.getMessage().startsWith("cannot read " + dir.resolve("none.json")), e.getMessage());
    }
}
