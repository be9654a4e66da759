package io.cocoon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unpacking a Debian kernel and ordering its modules, against the package scripts/setup unpacks. */
class HostKernelTest {
    static final Path ROOT = Path.of(System.getProperty("user.home"), ".cache/cocoon/debian-kernel/root");

    static Path modules() throws Exception {
        assumeTrue(Files.isDirectory(ROOT.resolve("lib/modules")), "no unpacked Debian kernel (scripts/setup fetches one)");
        try (var s = Files.list(ROOT.resolve("lib/modules"))) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void modulesComeAfterTheirDependencies() throws Exception {
        Map<String, byte[]> files = HostKernel.modules(modules());
        List<String> load = List.of(new String(files.get("lib/modules/cocoon.load")).strip().split("\n"));
        assertTrue(load.contains("9p.ko") && load.contains("virtio_console.ko") && load.contains("virtio_mmio.ko"), load::toString);
        List<String> seen = new ArrayList<>();
        for (String ko : load) {
            for (String dep : ModInfo.depends(pathOf(ko))) assertTrue(seen.contains(dep), ko + " needs " + dep + " first: " + load);
            seen.add(ko.replace(".ko", ""));
        }
        assertEquals(load.size() + 1, files.size());
    }

    static Path pathOf(String ko) throws Exception {
        try (var w = Files.walk(modules())) {
            return w.filter(p -> p.getFileName().toString().equals(ko)).findFirst().orElseThrow();
        }
    }

    @Test
    void theBzImageUnpacksToAnElf() throws Exception {
        modules();
        Path vmlinuz;
        try (var s = Files.list(ROOT.resolve("boot"))) {
            vmlinuz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst().orElseThrow();
        }
        byte[] elf = HostKernel.extract(Files.readAllBytes(vmlinuz));
        assertEquals(0x7F, elf[0]);
        assertEquals('E', elf[1]);
        assertTrue(elf.length > 20 << 20, "a full uncompressed kernel");
    }
}
