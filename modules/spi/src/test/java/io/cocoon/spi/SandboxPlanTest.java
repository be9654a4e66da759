package io.cocoon.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SandboxPlanTest {

    @Test
    void warningsNameThePath() {
        SandboxPlan p = new SandboxPlan("c", Path.of("/b"), n -> Optional.empty());
        p.warn("linux.devices[0]", "not passed");
        assertEquals(List.of("linux.devices[0]: not passed"), p.warnings());
    }

    @Test
    void nullsBecomeEmptyDefaults() {
        SandboxPlan p = new SandboxPlan("c", Path.of("/b"), n -> Optional.of(Path.of("/etc/" + n)));
        p.hostname(null);
        p.domainname(null);
        p.hooks(null);
        p.resources(null);
        assertEquals("", p.hostname());
        assertEquals("", p.domainname());
        assertSame(Spec.Hooks.NONE, p.hooks());
        assertSame(Linux.Resources.NONE, p.resources());
        assertEquals(Optional.of(Path.of("/etc/vm.json")), p.locate("vm.json"));
        assertEquals(VmSettings.DEFAULT_MEMORY_MIB, p.vm().memoryMiB());
        assertEquals(1, p.vm().vcpus());
        assertEquals("auto", p.vm().accelerator());
        assertThrows(NullPointerException.class, () -> new SandboxPlan(null, Path.of("/b"), n -> Optional.empty()));
    }

    @Test
    void specErrorsStartWithThePath() {
        SpecException e = new SpecException("process.args", "must be a non-empty array");
        assertEquals("process.args: must be a non-empty array", e.getMessage());
        assertEquals("process.args", e.path());
        assertEquals(1, e.exitCode());
    }

    @Test
    void bindMountsAreRecognisedByTypeOrOption() {
        assertTrue(new Spec.Mount("/a", "bind", "/x", List.of()).isBind());
        assertTrue(new Spec.Mount("/a", "none", "/x", List.of("rbind", "ro")).isBind());
        assertTrue(new Spec.Mount("/a", null, "/x", List.of("bind")).isBind());
        assertFalse(new Spec.Mount("/a", "tmpfs", "tmpfs", List.of("nosuid")).isBind());
        assertTrue(Spec.Hooks.NONE.isEmpty());
    }

    @Test
    void guestMountOfPassesSpecMountsThrough() {
        GuestMount g = GuestMount.of(new Spec.Mount("/proc", null, null, List.of("nosuid")));
        assertEquals(new GuestMount("none", "none", "/proc", List.of("nosuid"), false, true, false), g);
    }
}
