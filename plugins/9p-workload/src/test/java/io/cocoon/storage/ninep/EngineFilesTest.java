package io.cocoon.storage.ninep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.GuestFile;
import io.cocoon.spi.GuestMount;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The block rootfs's copies: an engine's generated files and its /dev/shm need no share, so a
 * podman container's VM has no 9p export and can be checkpointed; anything else stays a bind.
 */
class EngineFilesTest {
    @TempDir Path tmp;

    @Test
    void engineFilesAreCopiedAndOtherBindsStayInTheShare() throws Exception {
        Path userdata = Files.createDirectories(tmp.resolve("userdata"));
        Path hosts = Files.writeString(userdata.resolve("hosts"), "10.88.0.5 c1\n");
        Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("rw-r-----"));
        Path hostname = Files.writeString(userdata.resolve("hostname"), "c1\n");
        Path big = Files.write(userdata.resolve("resolv.conf"), new byte[(int) ShareLayout.COPY_LIMIT + 1]);
        Path data = Files.createDirectories(tmp.resolve("data"));
        SandboxPlan plan = new SandboxPlan("c1", tmp, n -> Optional.empty());
        plan.rootfs(tmp.resolve("rootfs"));
        plan.mounts().add(new Spec.Mount("/etc/hosts", "bind", hosts.toString(), List.of("bind", "rprivate")));
        plan.mounts().add(new Spec.Mount("/etc/hostname", "bind", hostname.toString(), List.of("bind", "ro")));
        plan.mounts().add(new Spec.Mount("/etc/resolv.conf", "bind", big.toString(), List.of("bind")));
        plan.mounts().add(new Spec.Mount("/data", "bind", data.toString(), List.of("rbind")));

        ShareLayout copying = new ShareLayout(plan, tmp.resolve("state"), true);
        List<GuestMount> mounts = copying.mounts();
        List<GuestFile> files = copying.files();
        assertEquals(1, files.size(), files::toString);
        assertEquals("/etc/hosts", files.get(0).path());
        assertEquals(0640, files.get(0).mode());
        assertArrayEquals("10.88.0.5 c1\n".getBytes(), files.get(0).data());
        assertEquals(List.of("/etc/hostname", "/etc/resolv.conf", "/data"), mounts.stream().map(GuestMount::destination).toList(),
                "a read-only bind, a file too big to be generated, a directory: binds through the share");
        assertEquals(3, copying.binds().size());

        ShareLayout binding = new ShareLayout(plan, tmp.resolve("state2"));
        assertEquals(4, binding.mounts().size(), "the 9p rootfs binds everything, live");
        assertTrue(binding.files().isEmpty());
    }

    @Test
    void theEnginesShmBecomesAGuestTmpfs() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
        SandboxPlan plan = new SandboxPlan("c1", tmp, n -> Optional.empty());
        plan.rootfs(tmp.resolve("rootfs"));
        plan.mounts().add(new Spec.Mount("/dev/shm", "bind", shm.toString(), List.of("bind", "rprivate", "nosuid", "noexec", "nodev")));
        plan.mounts().add(new Spec.Mount("/srv", "bind", shm.toString(), List.of("bind")));
        ShareLayout l = new ShareLayout(plan, tmp.resolve("state"), true);
        List<GuestMount> mounts = l.mounts();
        assertEquals(2, mounts.size());
        GuestMount m = mounts.get(0);
        assertEquals("tmpfs", m.type());
        assertEquals("/dev/shm", m.destination());
        assertTrue(m.options().contains("size=" + Files.getFileStore(shm).getTotalSpace()), m.toString());
        assertEquals("bind", mounts.get(1).type(), "only /dev/shm: another tmpfs bind is the host's, live");
        assertEquals(1, l.binds().size());
    }
}
