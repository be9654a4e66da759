package io.cocoon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a template is made of, and when one is whole (the VM part is in conformance's TemplateTest). */
class VmTemplatesTest {
    @TempDir Path tmp;

    static VmPlan plan(List<VmDevice> devs, Map<String, String> ann) {
        return new VmPlan("c1", "u1", Path.of("/run/cocoon/c1"), 1, 2048, Path.of("/k"), Path.of("/rd"), List.of("x=1"), null, List.of(),
                List.of(), devs, Path.of("/run/cocoon/.s/c1/agent.sock"), Path.of("/run/cocoon/c1/console.log"), null, "auto",
                Path.of("/b/rootfs"), Duration.ofSeconds(30), ann, Path.of("/run/netns/c1"));
    }

    @Test
    void theTemplateKeepsTheShapeAndNoneOfTheContainer() {
        VmPlan p = plan(List.of(new VmDevice.Share("cocoon", Path.of("/run/cocoon/c1/shared"), true),
                new VmDevice.NetTap("tap-c1", "0a:58:0a:00:00:05", 1400), new VmDevice.NetTap("tap2-c1", "0a:58:0a:00:01:05", 1500)), Map.of());
        VmPlan t = VmTemplates.templatePlan(p, tmp);
        assertEquals(List.of(new VmDevice.Share("cocoon", tmp.resolve("empty"), true), new VmDevice.NetTap(null, "02:cc:00:00:00:00", 1400),
                new VmDevice.NetTap(null, "02:cc:00:00:00:01", 1500)), t.devices());
        assertEquals(tmp, t.stateDir());
        assertTrue(t.agentSocket().startsWith(tmp) && t.consoleLog().startsWith(tmp) && t.hypervisorLog().startsWith(tmp));
        assertEquals(null, t.netns(), "no taps, no namespace");
        assertFalse(t.id().contains("c1") || t.uuid().contains("u1"));
        assertEquals(List.of("x=1"), t.kernelParams());
        assertEquals(List.of("02:cc:00:00:00:00 0a:58:0a:00:00:05", "02:cc:00:00:00:01 0a:58:0a:00:01:05"), VmTemplates.macMap(p));
    }

    @Test
    void theModeComesFromTheAnnotation() {
        assertEquals(VmTemplates.Mode.OFF, VmTemplates.mode(Map.of(VmTemplates.ANNOTATION, "off")));
        assertEquals(VmTemplates.Mode.SHARED, VmTemplates.mode(Map.of(VmTemplates.ANNOTATION, "shared")));
        assertEquals(VmTemplates.Mode.PRIVATE, VmTemplates.mode(Map.of(VmTemplates.ANNOTATION, "private")));
        CocoonException e = assertThrows(CocoonException.class, () -> VmTemplates.mode(Map.of(VmTemplates.ANNOTATION, "sometimes")));
        assertTrue(e.getMessage().contains("is not off, private or shared"), e.getMessage());
    }

    @Test
    void aTemplateIsWholeOnlyWithItsMetadataAndAStateOfTheSavedSize() throws Exception {
        Path d = tmp.resolve("k");
        Files.createDirectories(d);
        assertFalse(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE), "nothing there");
        Files.write(d.resolve(VmTemplates.STATE), new byte[100]);
        assertFalse(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE), "a build killed before its metadata");
        Files.writeString(d.resolve(VmTemplates.META), "{\"key\":\"k\",\"stateBytes\":100}");
        assertFalse(VmTemplates.complete(d, VmTemplates.Mode.SHARED), "shared needs its memory file");
        assertFalse(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE), "so does private (a clone copies it): an older template without one is rebuilt");
        Files.write(d.resolve(VmTemplates.RAM), new byte[10]);
        assertTrue(VmTemplates.complete(d, VmTemplates.Mode.SHARED));
        assertFalse(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE), "private also needs the list of its memory's data: one from before is rebuilt");
        Files.writeString(d.resolve(PrivateCopy.EXTENTS), "0 10\n");
        assertTrue(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE));
        Files.write(d.resolve(VmTemplates.STATE), new byte[60]);
        assertFalse(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE), "a truncated state");
    }
}
