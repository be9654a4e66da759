package io.cocoon.storage.ninep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image cache key: the same tree gives the same digest, any change a new one. */
class RootfsImagesTest {
    @TempDir Path tmp;

    @Test
    void digestFollowsTheTree() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("rootfs/bin"));
        Files.writeString(root.resolve("sh"), "binary");
        Files.createSymbolicLink(root.resolve("ls"), Path.of("sh"));
        RootfsImages.Tree a = RootfsImages.digest(tmp.resolve("rootfs"));
        assertEquals(a, RootfsImages.digest(tmp.resolve("rootfs")), "stable");
        assertEquals(6, a.bytes());
        assertEquals(4, a.entries(), "rootfs, bin, sh, ls");
        Files.setLastModifiedTime(root.resolve("sh"), FileTime.fromMillis(1_000_000));
        RootfsImages.Tree b = RootfsImages.digest(tmp.resolve("rootfs"));
        assertNotEquals(a.digest(), b.digest(), "a new mtime is a new image");
        Files.delete(root.resolve("ls"));
        Files.createSymbolicLink(root.resolve("ls"), Path.of("other"));
        assertNotEquals(b.digest(), RootfsImages.digest(tmp.resolve("rootfs")).digest(), "so is a new link target");
    }
}
