package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnotationsHandlerTest {
    @TempDir Path bundle;

    private SandboxPlan apply(String annotations) {
        SandboxPlan p = plan(bundle);
        new AnnotationsHandler().apply(spec("'annotations': {" + annotations + "}"), p);
        return p;
    }

    @Test
    void annotationsAreKeptAndOverrideVmSettings() {
        SandboxPlan p = plan(bundle);
        p.vm().memoryMiB(576);
        p.vm().vcpus(2);
        new AnnotationsHandler().apply(spec("'annotations': {'io.container.manager': 'libpod', 'io.cocoon.vm.memory': '2G',"
                + " 'io.cocoon.vm.cpus': ' 4 ', 'io.cocoon.hypervisor': 'xen-xl', 'io.cocoon.vm.accel': 'tcg',"
                + " 'io.cocoon.vm.kernel_params': 'quiet  loglevel=3'}"), p);
        assertEquals(2048, p.vm().memoryMiB());
        assertEquals(4, p.vm().vcpus());
        assertEquals("xen-xl", p.vm().hypervisor());
        assertEquals("tcg", p.vm().accelerator());
        assertEquals(List.of("quiet", "loglevel=3"), p.vm().kernelParams());
        assertEquals("libpod", p.annotations().get("io.container.manager"));
        assertEquals("annotation io.cocoon.vm.memory", p.vm().sources().get("memory"));
        assertEquals("annotation io.cocoon.hypervisor", p.vm().sources().get("hypervisor"));
        assertEquals(List.of(), p.warnings());
    }

    @ParameterizedTest
    @CsvSource({"512, 512", "512M, 512", "512MiB, 512", "512mb, 512", "2G, 2048", "2GiB, 2048", "1gb, 1024", "64, 64"})
    void memorySizes(String value, long mib) {
        assertEquals(mib, apply("'io.cocoon.vm.memory': '" + value + "'").vm().memoryMiB());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "io.cocoon.vm.memory|63|must be at least 64 MiB",
        "io.cocoon.vm.memory|lots|must be a number, got \"LOTS\"",
        "io.cocoon.vm.memory|0G|must be between 1 and 1048576",
        "io.cocoon.vm.cpus|0|must be between 1 and 256",
        "io.cocoon.vm.cpus|257|must be between 1 and 256",
        "io.cocoon.vm.cpus|two|must be a number, got \"two\"",
        "io.cocoon.vm.accel|hvf|must be auto, kvm or tcg",
    })
    void badValuesAreRefusedNamingTheAnnotation(String key, String value, String problem) {
        SpecException e = assertThrows(SpecException.class, () -> apply("'" + key + "': '" + value + "'"));
        assertEquals("annotations." + key + ": " + problem, e.getMessage());
    }

    @Test
    void kernelAndInitrdMustExist() throws IOException {
        Files.writeString(bundle.resolve("vmlinuz"), "k");
        Files.writeString(bundle.resolve("initrd.img"), "i");
        SandboxPlan p = apply("'io.cocoon.vm.kernel': 'vmlinuz', 'io.cocoon.vm.initrd': '" + bundle.resolve("initrd.img") + "'");
        assertEquals(bundle.resolve("vmlinuz"), p.vm().kernel());
        assertEquals(bundle.resolve("initrd.img"), p.vm().initrd());
        SpecException e = assertThrows(SpecException.class, () -> apply("'io.cocoon.vm.kernel': 'missing'"));
        assertEquals("annotations.io.cocoon.vm.kernel: " + bundle.resolve("missing") + " does not exist", e.getMessage());
    }

    @Test
    void unknownCocoonAnnotationsAreWarnedPluginAndForeignOnesAreNot() {
        SandboxPlan p = apply("'io.cocoon.vm.memroy': '1G', 'io.cocoon.plugin.cni.network': 'podman',"
                + " 'io.cocoon.network': 'cni-bridge', 'io.cocoon.storage': '9p', 'org.example.x': 'y'");
        assertEquals(List.of("annotations.io.cocoon.vm.memroy: unknown Cocoon annotation ignored"), p.warnings());
        assertEquals(io.cocoon.spi.VmSettings.DEFAULT_MEMORY_MIB, p.vm().memoryMiB());
        assertEquals(5, p.annotations().size());
        assertEquals(Map.of("network", "annotation io.cocoon.network", "storage", "annotation io.cocoon.storage"),
                p.vm().sources());
    }
}
