package io.cocoon.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initramfs is deterministic, newc-formatted, and holds what the kernel and agent need. */
class InitramfsTest {
    @Test
    void sameInputsSameBytes() throws Exception {
        byte[] agent = "agent-binary".getBytes();
        Map<String, byte[]> mods = Map.of("lib/modules/b.ko", new byte[] {2}, "lib/modules/a.ko", new byte[] {1});
        assertArrayEquals(Initramfs.build(agent, mods), Initramfs.build(agent, mods));
    }

    @Test
    void cpioListsTheEntries(@TempDir Path tmp) throws Exception {
        byte[] img = Initramfs.build("#!agent".getBytes(), Map.of("lib/modules/x.ko", new byte[] {7}));
        byte[] cpio = new GZIPInputStream(new ByteArrayInputStream(img)).readAllBytes();
        assertEquals("070701", new String(cpio, 0, 6, StandardCharsets.US_ASCII));
        Path f = tmp.resolve("i.cpio");
        Files.write(f, cpio);
        Process p = new ProcessBuilder("cpio", "-itv", "--quiet").redirectInput(f.toFile()).start();
        String list = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertTrue(list.contains("init"), list);
        assertTrue(list.matches("(?s).*crw------- .* 5, +1 .*dev/console.*"), list);
        assertTrue(list.matches("(?s).*crw-rw-rw- .* 1, +3 .*dev/null.*"), list);
        assertTrue(list.contains("lib/modules/x.ko"), list);
        assertTrue(list.contains("-rwxr-xr-x"), "init is executable: " + list);
    }

    @Test
    void cachedByContent(@TempDir Path tmp) throws Exception {
        Path agent = tmp.resolve("agent");
        Files.writeString(agent, "v1");
        Path a = Initramfs.cached(agent, Map.of(), tmp.resolve("cache"));
        assertEquals(a, Initramfs.cached(agent, Map.of(), tmp.resolve("cache")));
        Files.writeString(agent, "v2");
        assertTrue(!a.equals(Initramfs.cached(agent, Map.of(), tmp.resolve("cache"))));
    }
}
