package io.cocoon.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplacesWithoutLeavingTempFiles() throws IOException {
        Path f = dir.resolve("state.json");
        AtomicFiles.write(f, "first é");
        assertEquals("first é", Files.readString(f));
        AtomicFiles.write(f, "second");
        assertEquals("second", Files.readString(f));
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        AtomicFiles.write(f, big);
        assertArrayEquals(big, Files.readAllBytes(f));
        AtomicFiles.write(dir.resolve("pid"), new byte[0]);
        assertEquals(0, Files.size(dir.resolve("pid")));
        assertEquals(List.of("pid", "state.json"), names());
    }

    @Test
    void relativeTargetsWork() throws IOException {
        Path rel = Path.of("").toAbsolutePath().relativize(dir.resolve("rel.txt"));
        AtomicFiles.write(rel, "x");
        assertEquals("x", Files.readString(dir.resolve("rel.txt")));
        assertEquals(List.of("rel.txt"), names());
    }

    @Test
    void failureLeavesNoTempFile() throws IOException {
        Path target = Files.createDirectories(dir.resolve("occupied"));
        Files.writeString(target.resolve("child"), "keeps the directory non-empty");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, "x"));
        assertEquals(List.of("occupied"), names());
        assertThrows(IOException.class, () -> AtomicFiles.write(dir.resolve("no/such/dir/f"), "x"));
    }
}
