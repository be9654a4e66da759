package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmHandlerTest {
    @TempDir Path bundle;
    private final VmHandler handler = new VmHandler();

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(bundle.resolve("boot"));
        for (String f : List.of("boot/vmlinuz", "boot/other-vmlinuz", "boot/initrd.img", "qemu", "disk.qcow2")) {
            Files.writeString(bundle.resolve(f), f);
        }
    }

    private SandboxPlan apply(String members) {
        SandboxPlan p = plan(bundle);
        handler.apply(spec(members), p);
        return p;
    }

    @Test
    void nothingConfiguredKeepsTheDefaults() {
        SandboxPlan p = apply("");
        assertNull(p.vm().kernel());
        assertNull(p.vm().hypervisor());
        assertEquals(io.cocoon.spi.VmSettings.DEFAULT_MEMORY_MIB, p.vm().memoryMiB());
        assertEquals(List.of(), p.vm().template());
        assertEquals(180, handler.order(), "before linux.resources and annotations, which override the size");
    }

    @Test
    void vmJsonFromTheBundleIsApplied() throws IOException {
        Files.writeString(bundle.resolve("vm.json"), """
                {"vm": {"hypervisor": "qemu-lite", "path": "qemu", "kernel": {"path": "boot/vmlinuz",
                 "parameters": "console=ttyS0 quiet"}, "initrd": "boot/initrd.img", "memory": 1024, "cpus": 2,
                 "accel": "tcg"}}""");
        SandboxPlan p = apply("");
        assertEquals("qemu-lite", p.vm().hypervisor());
        assertEquals(bundle.resolve("qemu"), p.vm().hypervisorPath());
        assertEquals(bundle.resolve("boot/vmlinuz"), p.vm().kernel());
        assertEquals(List.of("console=ttyS0", "quiet"), p.vm().kernelParams());
        assertEquals(bundle.resolve("boot/initrd.img"), p.vm().initrd());
        assertEquals(1024, p.vm().memoryMiB());
        assertEquals(2, p.vm().vcpus());
        assertEquals("tcg", p.vm().accelerator());
        assertEquals(bundle.resolve("vm.json").toString(), p.vm().sources().get("kernel"));
    }

    @Test
    void configJsonVmOverridesVmJson() throws IOException {
        Files.writeString(bundle.resolve("vm.json"),
                "{\"vm\": {\"kernel\": {\"path\": \"boot/vmlinuz\", \"parameters\": [\"a=1\"]}, \"memory\": 512}}");
        SandboxPlan p = apply("'vm': {'kernel': {'path': 'boot/other-vmlinuz', 'parameters': ['b=2'], 'initrd': 'boot/initrd.img'},"
                + " 'hypervisor': {'path': 'qemu', 'parameters': ['-no-user-config']}}");
        assertEquals(bundle.resolve("boot/other-vmlinuz"), p.vm().kernel());
        assertEquals(List.of("a=1", "b=2"), p.vm().kernelParams());
        assertEquals(bundle.resolve("boot/initrd.img"), p.vm().initrd());
        assertEquals(bundle.resolve("qemu"), p.vm().hypervisorPath());
        assertEquals(List.of("-no-user-config"), p.vm().hypervisorParams());
        assertEquals(512, p.vm().memoryMiB());
        assertEquals("config.json vm.kernel", p.vm().sources().get("kernel"));
    }

    @Test
    void hypervisorArgsTemplateIsReadWithoutComments() throws IOException {
        Files.writeString(bundle.resolve("hypervisor.args"), """
                # cc-oci-runtime style template
                /usr/bin/qemu-lite-system-x86_64

                -machine
                  pc-lite,accel=kvm,kernel_irqchip,nvdimm\t
                # memory
                -m
                @SIZE@
                -kernel
                @KERNEL@
                """);
        SandboxPlan p = apply("");
        assertEquals(List.of("/usr/bin/qemu-lite-system-x86_64", "-machine", "pc-lite,accel=kvm,kernel_irqchip,nvdimm",
                "-m", "@SIZE@", "-kernel", "@KERNEL@"), p.vm().template());
        assertEquals(bundle.resolve("hypervisor.args"), p.vm().templateSource());
    }

    @Test
    void vmPathsMustExistAndFormatsAreChecked() {
        SpecException e = assertThrows(SpecException.class, () -> apply("'vm': {'kernel': {'path': 'boot/none'}}"));
        assertEquals("vm.kernel.path: " + bundle.resolve("boot/none") + " does not exist", e.getMessage());
        e = assertThrows(SpecException.class, () -> apply("'vm': {'kernel': {'path': 'boot/vmlinuz', 'initrd': 'nope.img'}}"));
        assertEquals("vm.kernel.initrd", e.path());
        e = assertThrows(SpecException.class, () -> apply("'vm': {'hypervisor': {'path': ''}}"));
        assertEquals("vm.hypervisor.path: must not be empty", e.getMessage());
        e = assertThrows(SpecException.class, () -> apply("'vm': {'image': {'path': 'disk.qcow2', 'format': 'iso'}}"));
        assertEquals("vm.image.format: must be raw or qcow2 (the block storage driver mounts it as the root)", e.getMessage());
    }

    @Test
    void brokenVmJsonIsAOneLineError() throws IOException {
        Files.writeString(bundle.resolve("vm.json"), "{\"vm\": {\"memory\": 0}}");
        CocoonException e = assertThrows(CocoonException.class, () -> apply(""));
        assertEquals(bundle.resolve("vm.json") + ": vm.memory: must be a positive integer", e.getMessage());
    }

    @Test
    void aRootDiskImageIsTakenForTheBlockDriver() throws IOException {
        Files.writeString(bundle.resolve("disk.qcow2"), "");
        SandboxPlan p = apply("'vm': {'image': {'path': 'disk.qcow2', 'format': 'qcow2'}}");
        assertEquals(bundle.resolve("disk.qcow2"), p.vm().image());
        assertEquals("qcow2", p.vm().imageFormat());
        SpecException e = assertThrows(SpecException.class, () -> apply("'vm': {'image': {'path': 'none.img', 'format': 'raw'}}"));
        assertEquals("vm.image.path", e.path());
    }
}
