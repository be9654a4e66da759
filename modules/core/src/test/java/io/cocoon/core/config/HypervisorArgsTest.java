package io.cocoon.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HypervisorArgsTest {
    private static final Path SRC = Path.of("/etc/cocoon/hypervisor.args");

    @Test
    void tagsAreReplaced() {
        List<String> out = HypervisorArgs.expand(List.of("@QEMU_PATH@", "-name", "@NAME@", "-m", "@SIZE@M",
                "-kernel", "@KERNEL@", "-append", "@KERNEL_PARAMS@ @KERNEL_NET_PARAMS@", "-uuid", "@UUID@"),
                Map.of("QEMU_PATH", "/usr/bin/qemu", "NAME", "c1", "SIZE", "512", "KERNEL", "/k",
                        "KERNEL_PARAMS", "quiet console=hvc0", "KERNEL_NET_PARAMS", "ip=dhcp", "UUID", "u-1"), SRC);
        assertEquals(List.of("/usr/bin/qemu", "-name", "c1", "-m", "512M", "-kernel", "/k", "-append",
                "quiet console=hvc0 ip=dhcp", "-uuid", "u-1"), out);
    }

    @Test
    void linesThatExpandToNothingAreDropped() {
        List<String> out = HypervisorArgs.expand(List.of("-nographic", "@NETDEV@", "@NETDEVICE@", "  ", "-S"),
                Map.of("NETDEV", ""), SRC);
        assertEquals(List.of("-nographic", "-S"), out);
    }

    @Test
    void unknownTagsAreRefusedNamingTheFile() {
        CocoonException e = assertThrows(CocoonException.class,
                () -> HypervisorArgs.expand(List.of("-m", "@MEMROY@"), Map.of(), SRC));
        assertEquals(SRC + ": unknown tag @MEMROY@", e.getMessage());
    }

    @Test
    void valuesAreInsertedLiterally() {
        assertEquals(List.of("path=/a$1\\b@NAME@"),
                HypervisorArgs.expand(List.of("path=@WORKLOAD_DIR@"), Map.of("WORKLOAD_DIR", "/a$1\\b@NAME@"), SRC));
        assertEquals(List.of("user@example.com"), HypervisorArgs.expand(List.of("user@example.com"), Map.of(), SRC),
                "text that is not @TAG@ stays");
    }

    @Test
    void readDropsCommentsAndBlankLines(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("hypervisor.args");
        Files.writeString(f, "# comment\n/usr/bin/qemu\n\n   \n  -m  \n\t@SIZE@\n   # indented comment\n-smp\n@CPUS@\n");
        assertEquals(List.of("/usr/bin/qemu", "-m", "@SIZE@", "-smp", "@CPUS@"), HypervisorArgs.read(f));
        CocoonException e = assertThrows(CocoonException.class, () -> HypervisorArgs.read(dir.resolve("missing")));
        assertTrue(e.getMessage().startsWith("cannot read " + dir.resolve("missing")), e.getMessage());
    }
}
