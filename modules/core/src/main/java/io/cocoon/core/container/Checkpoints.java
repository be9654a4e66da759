package io.cocoon.core.container;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint (docs/checkpoint.md) is a VM snapshot, not a CRIU image: the hypervisor's saved
 * state (memory and devices, with the agent and the container's processes in it) and a copy of
 * each writable disk, in the directory {@code checkpoint --image-path} names. {@code restore}
 * boots nothing: it loads that state into a VM with the new bundle's plan, whose device layout
 * must be the checkpoint's.
 *
 * <p>Why a 9p rootfs is refused: QEMU cannot save a VM while a 9p export is mounted in it (the
 * export's open files are host state no snapshot holds), so only a container whose root is a
 * disk, with no bind mounts through the share, can be checkpointed.
 */
public final class Checkpoints {
    public static final String STATE = "vm.state";
    public static final String META = "cocoon-checkpoint.json";
    /**
     * CRIU's inventory file name, written as a marker: podman stats it before it calls
     * {@code restore} ("a complete checkpoint ... cannot be found" otherwise). It holds one line
     * naming Cocoon's format, not CRIU's protobuf; nothing of Cocoon reads it.
     */
    public static final String INVENTORY = "inventory.img";

    private Checkpoints() {}

    /** {@code restore}'s first check: the directory holds a Cocoon checkpoint. */
    public static void requireImage(Path dir) {
        if (!Files.isDirectory(dir)) throw new CocoonException("restore: image path " + dir + " is not a directory");
        if (!Files.isRegularFile(dir.resolve(META)) || !Files.isRegularFile(dir.resolve(STATE))) {
            throw new CocoonException("restore: " + dir + " holds no Cocoon checkpoint (no " + META + " and " + STATE
                    + "): make one with 'cocoon checkpoint --image-path " + dir + " <id>'");
        }
    }

    /**
     * Whether the checkpointed VM had the standby NIC {@code create} keeps for a network attached
     * between create and start ({@code run} keeps none): restore must plan the same layout.
     */
    public static boolean hasStandbyNic(Path dir) {
        try {
            return Boolean.TRUE.equals(Json.parseObject(Files.readString(dir.resolve(META))).get("standbyNic"));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Refuses, in one line that says why and what to do, a VM the hypervisor cannot save. */
    public static void requireSavable(VmPlan plan) {
        boolean disk = plan.devices().stream().anyMatch(d -> d instanceof VmDevice.Disk);
        if (plan.devices().stream().anyMatch(d -> d instanceof VmDevice.Share)) {
            throw new CocoonException("checkpoint: " + (disk ? "this container's bind mounts reach the guest through a 9p share"
                    : "this container's rootfs is a 9p share") + ", and QEMU cannot save a VM with a mounted 9p export: give it a block"
                    + " rootfs (annotation io.cocoon.storage=block, or vm.image) and no directory bind mounts");
        }
    }

    /**
     * Saves the (running) VM to {@code dir}; it is stopped when this returns. {@code standbyNic}:
     * the container was made by {@code create}, whose plan keeps a NIC for a late network.
     */
    public static void save(Vm vm, VmPlan plan, Path dir, boolean standbyNic) throws IOException {
        requireSavable(plan);
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(META));
        Files.deleteIfExists(dir.resolve(INVENTORY));
        vm.save(dir.resolve(STATE)); // stops the vCPUs and flushes the disks first
        List<String> disks = new ArrayList<>();
        List<String> macs = new ArrayList<>();
        int n = 0;
        for (VmDevice d : plan.devices()) {
            if (d instanceof VmDevice.Disk k) {
                String name = "disk-" + n++ + "." + k.format();
                if (!k.readonly()) Files.copy(k.path(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                disks.add(k.readonly() ? "" : name);
            } else if (d instanceof VmDevice.NetTap t) {
                macs.add(t.mac() == null ? "" : t.mac());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", plan.id());
        m.put("vcpus", plan.vcpus());
        m.put("memoryMiB", plan.memoryMiB());
        m.put("devices", layout(plan));
        m.put("disks", disks);
        m.put("macs", macs);
        m.put("standbyNic", standbyNic);
        m.put("saved", Instant.now().toString());
        Files.writeString(dir.resolve(META), Json.write(m) + "\n"); // last: a checkpoint without it is incomplete
        Files.writeString(dir.resolve(INVENTORY), "not a CRIU image: a Cocoon VM checkpoint, see " + META + "\n");
    }

    /** Loads the checkpoint in {@code dir} into a new VM of {@code plan}, its disks replaced by the saved ones. */
    public static Vm restore(Hypervisor hv, VmPlan plan, Path dir) throws IOException {
        requireImage(dir);
        Map<String, Object> m = Json.parseObject(Files.readString(dir.resolve(META)));
        String want = m.get("vcpus") + " vCPUs, " + m.get("memoryMiB") + " MiB, devices " + m.get("devices");
        String have = plan.vcpus() + " vCPUs, " + plan.memoryMiB() + " MiB, devices " + layout(plan);
        if (!want.equals(have)) {
            throw new CocoonException("restore: the checkpoint's VM (" + want + ") is not the one this bundle plans (" + have
                    + "): restore with the bundle it was checkpointed from");
        }
        List<?> disks = (List<?>) m.getOrDefault("disks", List.of());
        int n = 0;
        for (VmDevice d : plan.devices()) {
            if (d instanceof VmDevice.Disk k) {
                String name = n < disks.size() ? String.valueOf(disks.get(n)) : "";
                n++;
                if (!name.isEmpty()) Files.copy(dir.resolve(name), k.path(), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return hv.restore(plan, dir.resolve(STATE), null);
    }

    /** "OLD NEW" pairs for the NICs whose MAC the new network gave differently. */
    public static List<String> macMap(VmPlan plan, Path dir) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readString(dir.resolve(META)));
        List<?> old = (List<?>) m.getOrDefault("macs", List.of());
        List<String> out = new ArrayList<>();
        int n = 0;
        for (VmDevice d : plan.devices()) {
            if (!(d instanceof VmDevice.NetTap t)) continue;
            String was = n < old.size() ? String.valueOf(old.get(n)) : "";
            n++;
            if (!was.isEmpty() && t.mac() != null && !was.equalsIgnoreCase(t.mac())) out.add(was + " " + t.mac());
        }
        return out;
    }

    /** The device kinds in order: what must match between a checkpoint and the VM it is loaded into. */
    static List<String> layout(VmPlan plan) {
        List<String> out = new ArrayList<>();
        for (VmDevice d : plan.devices()) {
            if (d instanceof VmDevice.Disk k) out.add("disk:" + k.format());
            else if (d instanceof VmDevice.NetTap) out.add("nic");
            else if (d instanceof VmDevice.Share s) out.add("share:" + s.tag());
        }
        return out;
    }
}
