package io.cocoon.storage.ninep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.GuestMount;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the rootfs and binds become shares and guest mounts. */
class NinePWorkloadTest {
    @TempDir Path tmp;

    @Test
    void rootDirectoryBindsAndFileBinds() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path etc = Files.createDirectories(tmp.resolve("userdata"));
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 1.1.1.1\n");
        SandboxPlan plan = new SandboxPlan("c1", tmp, n -> Optional.empty());
        plan.rootfs(tmp.resolve("rootfs"));
        plan.mounts().add(new Spec.Mount("/proc", "proc", "proc", List.of()));
        plan.mounts().add(new Spec.Mount("/data", "bind", dir.toString(), List.of("rbind", "ro", "nosuid")));
        plan.mounts().add(new Spec.Mount("/etc/hosts", "bind", etc.resolve("hosts").toString(), List.of("rbind", "ro")));
        plan.mounts().add(new Spec.Mount("/etc/resolv.conf", "bind", etc.resolve("resolv.conf").toString(), List.of("rbind", "ro")));
        NinePWorkload w = new NinePWorkload();
        assertTrue(w.supports(plan));
        StoragePlan sp = w.prepare(plan, tmp);
        assertEquals("rootfs", sp.rootfs().source());
        assertTrue(sp.rootfs().options().contains("msize=" + NinePWorkload.MSIZE));
        assertEquals(List.of(new VmDevice.Share("rootfs", tmp.resolve("rootfs"), false), new VmDevice.Share("b0", dir, true),
                new VmDevice.Share("f1", etc, true)), sp.devices(), "one share per directory bind, one per file-bind parent");
        List<GuestMount> m = sp.mounts();
        assertTrue(m.get(0).staging(), "staging mounts come first");
        assertEquals("/run/cocoon/shares/f1", m.get(0).destination());
        assertEquals("proc", m.get(1).type());
        assertEquals("9p", m.get(2).type());
        assertTrue(m.get(2).options().containsAll(List.of("ro", "nosuid")));
        assertEquals("bind", m.get(3).type());
        assertEquals("/run/cocoon/shares/f1/hosts", m.get(3).source());
        assertTrue(m.get(3).sourceIsFile());
        assertEquals("/run/cocoon/shares/f1/resolv.conf", m.get(4).source());
        plan.vm().image(tmp.resolve("disk.img"));
        assertFalse(w.supports(plan), "a disk image needs a block driver");
    }
}
