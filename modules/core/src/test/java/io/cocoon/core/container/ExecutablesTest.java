package io.cocoon.core.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host-side executable check, with runc's error text, and HOME lookup. */
class ExecutablesTest {
    @TempDir Path root;

    static Spec.Process proc(String arg0, String... env) {
        return new Spec.Process(false, null, new Spec.User(0, 0, null, List.of(), null), List.of(arg0), null, List.of(env),
                "/", Spec.Capabilities.NONE, List.of(), false, null, null, null);
    }

    void exe(String path) throws Exception {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void pathSearchAndAbsoluteSymlinksStayInside() throws Exception {
        exe("/bin/busybox");
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("/bin/busybox"));   // absolute: inside the rootfs
        Files.createSymbolicLink(root.resolve("bin/esc"), Path.of("../../../../../etc/passwd"));
        Executables.check(root, proc("sh", "PATH=/bin"));
        Executables.check(root, proc("/bin/sh"));
        CocoonException e = assertThrows(CocoonException.class, () -> Executables.check(root, proc("nosuch", "PATH=/bin")));
        assertEquals("exec: \"nosuch\": executable file not found in $PATH", e.getMessage());
        assertThrows(CocoonException.class, () -> Executables.check(root, proc("/bin/missing")));
        assertEquals(root.resolve("etc/passwd").normalize(), Executables.resolve(root, "/bin/esc") == null
                ? root.resolve("etc/passwd").normalize() : Executables.resolve(root, "/bin/esc"));
    }

    @Test
    void homeFromPasswd() throws Exception {
        assertEquals("/", Executables.home(root, 0));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\n");
        assertEquals("/root", Executables.home(root, 0));
        assertEquals("/home/u", Executables.home(root, 1000));
        assertEquals("/", Executables.home(root, 5));
        assertNull(Executables.resolve(root, "/no/such"));
    }
}
