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
        assertTrue(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE));
        assertTrue(VmTemplates.complete(d, VmTemplates.Mode.SHARED));
        Files.write(d.resolve(VmTemplates.STATE), new byte[60]);
        assertFalse(VmTemplates.complete(d, VmTemplates.Mode.PRIVATE), "a truncated state");
    }

    /**
     * A private clone's memory is a sparse copy of the template's file, its own; holes stay
     * holes; the file is at its final size before the copy is done (a hypervisor maps it then).
     */
    @Test
    void aPrivateCloneGetsASparseCopyOfTheTemplatesMemory() throws Exception {
        Path ram = tmp.resolve("memory");
        try (var ch = java.nio.channels.FileChannel.open(ram, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("head".getBytes()), 0);
            ch.write(java.nio.ByteBuffer.wrap("page".getBytes()), 64L << 20); // 64 MiB of hole, then data
            ch.write(java.nio.ByteBuffer.wrap("tail".getBytes()), 96L << 20);
        }
        VmTemplates.PrivateCopy c = VmTemplates.PrivateCopy.start(ram, tmp.resolve("clone"));
        assertEquals(tmp.resolve("clone").resolve(VmTemplates.PRIVATE_RAM), c.file());
        assertEquals(Files.size(ram), Files.size(c.file()), "full size from the start");
        c.await();
        long copied = c.done().get();
        assertTrue(copied >= 12 && copied < (1 << 20), "only the three data extents (whole blocks) were copied: " + copied);
        byte[] all = Files.readAllBytes(c.file());
        assertEquals("head", new String(all, 0, 4));
        assertEquals("page", new String(all, (int) (64L << 20), 4));
        assertEquals("tail", new String(all, (int) (96L << 20), 4));
        Process st = new ProcessBuilder("stat", "-c", "%b", c.file().toString()).start();
        long blocks = Long.parseLong(new String(st.getInputStream().readAllBytes()).strip()); // 512-byte blocks allocated
        assertTrue(blocks * 512 < (1 << 20), "the holes are not written: " + blocks + " blocks");
        io.cocoon.spi.CocoonException e = org.junit.jupiter.api.Assertions.assertThrows(io.cocoon.spi.CocoonException.class,
                () -> VmTemplates.PrivateCopy.start(tmp.resolve("none"), tmp.resolve("clone2")).await());
        assertTrue(e.getMessage().startsWith("copying the template's memory: ") && e.getMessage().contains("none"), e.getMessage());
    }
}
