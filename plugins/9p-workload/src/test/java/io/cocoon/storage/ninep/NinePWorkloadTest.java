package io.cocoon.storage.ninep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.GuestMount;
import io.cocoon.spi.HostBind;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.StoragePlan;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the rootfs and binds become one share, host binds and guest mounts. */
class NinePWorkloadTest {
    @TempDir Path tmp;

    SandboxPlan plan() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path etc = Files.createDirectories(tmp.resolve("userdata"));
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
        SandboxPlan plan = new SandboxPlan("c1", tmp, n -> Optional.empty());
        plan.rootfs(tmp.resolve("rootfs"));
        plan.mounts().add(new Spec.Mount("/proc", "proc", "proc", List.of()));
        plan.mounts().add(new Spec.Mount("/data", "bind", dir.toString(), List.of("rbind", "ro", "nosuid")));
        plan.mounts().add(new Spec.Mount("/etc/hosts", "bind", etc.resolve("hosts").toString(), List.of("bind", "ro")));
        return plan;
    }

    @Test
    void oneShareHoldsTheRootfsAndEveryBind() throws Exception {
        SandboxPlan plan = plan();
        Path state = tmp.resolve("state");
        NinePWorkload w = new NinePWorkload();
        assertTrue(w.supports(plan));
        assertEquals(Set.of(Hypervisor.Feature.SHARED_FS_9P), w.requires(plan));
        StoragePlan sp = w.prepare(plan, state);
        Path share = state.resolve("shared");
        assertEquals(List.of(new VmDevice.Share("cocoon", share, false)), sp.devices(), "one device, whatever the number of binds");
        assertEquals(List.of(new HostBind(tmp.resolve("rootfs"), share.resolve("c1/rootfs"), false, true),
                new HostBind(tmp.resolve("data"), share.resolve("c1/m/0"), true, true),
                new HostBind(tmp.resolve("userdata/hosts"), share.resolve("c1/m/1"), true, false)), sp.hostBinds());
        assertTrue(Files.isDirectory(share.resolve("c1/m/0")) && Files.isRegularFile(share.resolve("c1/m/1")),
                "mount points exist: a directory for a directory, a file for a file");
        GuestMount s = sp.shares().get(0);
        assertEquals("/cocoon-shares/cocoon", s.destination());
        assertTrue(s.options().containsAll(List.of("trans=virtio", "msize=" + NinePWorkload.MSIZE, "cache=mmap")), s.toString());
        assertEquals("/cocoon-shares/cocoon/c1/rootfs", sp.rootfs().source());
        assertEquals(List.of("rbind"), sp.rootfs().options());
        List<GuestMount> m = sp.mounts();
        assertEquals("proc", m.get(0).type());
        assertEquals(new GuestMount("bind", "/cocoon-shares/cocoon/c1/m/0", "/data", List.of("rbind", "ro", "nosuid"), false, true, false),
                m.get(1));
        assertEquals(new GuestMount("bind", "/cocoon-shares/cocoon/c1/m/1", "/etc/hosts", List.of("bind", "ro"), false, true, true),
                m.get(2));
        plan.vm().image(tmp.resolve("disk.img"));
        assertFalse(w.supports(plan), "a disk image needs the block driver");
    }

    @Test
    void aReadOnlyWorldIsCachedLoosely() throws Exception {
        SandboxPlan plan = plan();
        plan.rootReadonly(true);
        assertTrue(new NinePWorkload().prepare(plan, tmp.resolve("s")).shares().get(0).options().contains("cache=loose"));
        plan.mounts().add(new Spec.Mount("/rw", "bind", tmp.resolve("data").toString(), List.of("bind")));
        assertTrue(new NinePWorkload().prepare(plan, tmp.resolve("s2")).shares().get(0).options().contains("cache=mmap"));
        plan.annotations().put(NinePWorkload.CACHE_ANNOTATION, "bogus");
        assertThrows(SpecException.class, () -> new NinePWorkload().prepare(plan, tmp.resolve("s3")));
    }
}
