package io.cocoon.core.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint directory's contents and checks; the VM part is conformance's CheckpointTest. */
class CheckpointsTest {
    @TempDir Path tmp;

    VmPlan plan(List<VmDevice> devs) {
        return new VmPlan("c1", "u", tmp, 1, 2048, Path.of("/k"), null, List.of(), null, List.of(), List.of(), devs,
                tmp.resolve("agent.sock"), null, null, "auto", tmp, Duration.ofSeconds(30), Map.of());
    }

    /** A VM whose save writes a marker; restore records what it was given. */
    static final class FakeVm implements Vm {
        boolean saved;
        public long pid() { return 1; }
        public Path agentSocket() { return Path.of("/x"); }
        public String accelerator() { return "tcg"; }
        public List<String> commandLine() { return List.of("fake"); }
        public void pause() { }
        public void resume() { }
        public void save(Path file) {
            saved = true;
            try {
                Files.writeString(file, "state");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        public void stop(Duration grace) { }
        public void kill() { }
        public boolean isAlive() { return true; }
        public CompletableFuture<Integer> onExit() { return new CompletableFuture<>(); }
    }

    static final class FakeHv implements Hypervisor {
        Path restoredFrom;
        public String name() { return "fake"; }
        public String description() { return "fake"; }
        public List<HostCheck> check() { return List.of(); }
        public Set<Feature> features() { return Set.of(Feature.SNAPSHOT); }
        public Vm launch(VmPlan plan) { return new FakeVm(); }
        @Override public Vm restore(VmPlan plan, Path state) {
            restoredFrom = state;
            return new FakeVm();
        }
        public void cleanup(Path stateDir) { }
    }

    @Test
    void aNinePShareIsRefusedSayingWhyAndWhatToDo() {
        CocoonException root = assertThrows(CocoonException.class, () -> Checkpoints.requireSavable(
                plan(List.of(new VmDevice.Share("cocoon", tmp, false)))));
        assertTrue(root.getMessage().contains("rootfs is a 9p share") && root.getMessage().contains("io.cocoon.storage=block"), root.getMessage());
        CocoonException binds = assertThrows(CocoonException.class, () -> Checkpoints.requireSavable(
                plan(List.of(new VmDevice.Disk(tmp.resolve("d"), false, "qcow2"), new VmDevice.Share("cocoon", tmp, false)))));
        assertTrue(binds.getMessage().contains("bind mounts reach the guest through a 9p share"), binds.getMessage());
    }

    @Test
    void saveKeepsStateDisksAndLayoutAndRestoreChecksThem() throws Exception {
        Path disk = tmp.resolve("rootfs.qcow2");
        Files.writeString(disk, "written by the container");
        VmPlan p = plan(List.of(new VmDevice.Disk(disk, false, "qcow2"), new VmDevice.NetTap("tap0", "0a:00:00:00:00:01", 1500)));
        Path dir = tmp.resolve("image");
        FakeVm vm = new FakeVm();
        Checkpoints.save(vm, p, dir, true);
        assertTrue(vm.saved);
        assertEquals("written by the container", Files.readString(dir.resolve("disk-0.qcow2")));
        assertTrue(Checkpoints.hasStandbyNic(dir));
        assertTrue(Files.readString(dir.resolve(Checkpoints.INVENTORY)).startsWith("not a CRIU image"),
                "podman stats CRIU's inventory before it restores");
        Checkpoints.requireImage(dir);

        // the new container's disk is replaced by the saved one; its NIC's new MAC is mapped
        Files.writeString(disk, "a fresh overlay");
        VmPlan again = plan(List.of(new VmDevice.Disk(disk, false, "qcow2"), new VmDevice.NetTap("tap1", "0a:00:00:00:00:02", 1500)));
        FakeHv hv = new FakeHv();
        Checkpoints.restore(hv, again, dir);
        assertEquals(dir.resolve(Checkpoints.STATE), hv.restoredFrom);
        assertEquals("written by the container", Files.readString(disk));
        assertEquals(List.of("0a:00:00:00:00:01 0a:00:00:00:00:02"), Checkpoints.macMap(again, dir));

        CocoonException other = assertThrows(CocoonException.class, () -> Checkpoints.restore(hv,
                plan(List.of(new VmDevice.Disk(disk, false, "qcow2"))), dir));
        assertTrue(other.getMessage().contains("is not the one this bundle plans"), other.getMessage());
    }

    @Test
    void aDirectoryWithoutACheckpointIsOneLine() throws Exception {
        CocoonException e = assertThrows(CocoonException.class, () -> Checkpoints.requireImage(tmp));
        assertTrue(e.getMessage().contains("holds no Cocoon checkpoint"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertThrows(CocoonException.class, () -> Checkpoints.requireImage(tmp.resolve("nope")));
    }
}
