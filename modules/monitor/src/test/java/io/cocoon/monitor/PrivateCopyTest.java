package io.cocoon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateCopyTest {
    @TempDir Path tmp;

    private Path sparseMemory() throws Exception {
        Path ram = tmp.resolve("memory");
        try (FileChannel ch = FileChannel.open(ram, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("head".getBytes()), 0);
            ch.write(ByteBuffer.wrap("page".getBytes()), 64L << 20); // 64 MiB of hole, then data
            ch.write(ByteBuffer.wrap("tail".getBytes()), 96L << 20);
        }
        return ram;
    }

    /**
     * The build lists the data extents; a clone's copy is its own, at full size from the start
     * (a hypervisor maps it then), with the data where it was and the holes left unwritten.
     */
    @Test
    void aCloneGetsASparseCopyOfTheListedData() throws Exception {
        Path ram = sparseMemory();
        Path list = tmp.resolve(PrivateCopy.EXTENTS);
        PrivateCopy.recordExtents(ram, list);
        assertEquals(3, Files.readAllLines(list).size(), Files.readString(list));
        PrivateCopy c = PrivateCopy.start(ram, list, tmp.resolve("clone"));
        assertEquals(tmp.resolve("clone").resolve(PrivateCopy.FILE), c.file());
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
    }

    /** A list that does not fit the memory file, or no file at all, fails the clone before any copy. */
    @Test
    void aBadListOrAMissingFileIsOneLineNamingIt() throws Exception {
        Path ram = sparseMemory();
        Path list = tmp.resolve(PrivateCopy.EXTENTS);
        for (String bad : new String[] {"0 4096\n100 0\n", "0 4096\n0 4096\n", "0 999999999999\n", "zero four\n", "0\n"}) {
            Files.writeString(list, bad);
            CocoonException e = assertThrows(CocoonException.class, () -> PrivateCopy.start(ram, list, tmp.resolve("c")));
            assertTrue(e.getMessage().startsWith("copying the template's memory: " + PrivateCopy.EXTENTS + " line "), e.getMessage());
        }
        CocoonException e = assertThrows(CocoonException.class, () -> PrivateCopy.start(tmp.resolve("none"), list, tmp.resolve("c2")));
        assertTrue(e.getMessage().startsWith("copying the template's memory: ") && e.getMessage().contains("none"), e.getMessage());
    }
}
