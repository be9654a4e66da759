package io.cocoon.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template's command line and key (docs/templates.md). */
class TemplateCommandLineTest {
    @TempDir Path tmp;

    VmPlan plan(Path state, int vcpus, long mem, List<VmDevice> devs) throws Exception {
        Path k = tmp.resolve("vmlinux"), rd = tmp.resolve("initrd");
        if (!Files.exists(k)) Files.writeString(k, "kernel");
        if (!Files.exists(rd)) Files.writeString(rd, "initrd");
        return new VmPlan("cocoon-vm-template", "00000000-0000-0000-0000-000000000000", state, vcpus, mem, k, rd, List.of(), null,
                List.of(), List.of(), devs, state.resolve("agent.sock"), state.resolve("console.log"), state.resolve("hypervisor.log"),
                "auto", state.resolve("empty"), Duration.ofSeconds(30), Map.of());
    }

    Path qemu() throws Exception {
        Path q = tmp.resolve("qemu");
        if (!Files.exists(q)) Files.writeString(q, "qemu");
        return q;
    }

    @Test
    void aTemplatesNicHasNoTapAndItsRamCanBeAFile() throws Exception {
        VmPlan p = plan(tmp.resolve("t"), 1, 2048, List.of(new VmDevice.Share("cocoon", tmp.resolve("t/empty"), false),
                new VmDevice.NetTap(null, "02:cc:00:00:00:00", 1500)));
        String a = String.join(" ", CommandLine.build(p, qemu(), "tcg", new CommandLine.Memory(Path.of("/t/memory"), true, false)));
        assertTrue(a.contains("-device virtio-net-device,mac=02:cc:00:00:00:00"), a);
        assertFalse(a.contains("-netdev"), a);
        assertTrue(a.contains("-object memory-backend-file,id=ram,size=2048M,mem-path=/t/memory,share=on -machine memory-backend=ram"), a);
        assertTrue(a.contains("free-page-reporting=off"), "QEMU 7.2 would punch holes in the template's file: " + a);
        String clone = String.join(" ", CommandLine.build(p, qemu(), "tcg", new CommandLine.Memory(Path.of("/t/memory"), false, false)));
        assertTrue(clone.contains("mem-path=/t/memory,share=off"), clone);
        assertTrue(String.join(" ", CommandLine.build(p, qemu(), "tcg")).contains("free-page-reporting=on"));
    }

    @Test
    void theKeyIgnoresWhereTheTemplateLivesAndFollowsItsShape() throws Exception {
        List<VmDevice> one = List.of(new VmDevice.Share("cocoon", tmp.resolve("a/empty"), false));
        String a = CommandLine.templateKey(plan(tmp.resolve("a"), 1, 2048, one), qemu(), "tcg");
        String b = CommandLine.templateKey(plan(tmp.resolve("b"), 1, 2048, List.of(new VmDevice.Share("cocoon", tmp.resolve("b/empty"), false))),
                qemu(), "tcg");
        assertEquals(a, b, "the same shape in another directory");
        assertNotEquals(a, CommandLine.templateKey(plan(tmp.resolve("a"), 2, 2048, one), qemu(), "tcg"), "vCPUs");
        assertNotEquals(a, CommandLine.templateKey(plan(tmp.resolve("a"), 1, 1024, one), qemu(), "tcg"), "memory");
        assertNotEquals(a, CommandLine.templateKey(plan(tmp.resolve("a"), 1, 2048, List.of()), qemu(), "tcg"), "devices");
        assertNotEquals(a, CommandLine.templateKey(plan(tmp.resolve("a"), 1, 2048, one), qemu(), "kvm"), "accelerator");
        Files.writeString(tmp.resolve("initrd"), "a rebuilt initramfs (a new agent)");
        assertNotEquals(a, CommandLine.templateKey(plan(tmp.resolve("a"), 1, 2048, one), qemu(), "tcg"), "initramfs");
    }
}
