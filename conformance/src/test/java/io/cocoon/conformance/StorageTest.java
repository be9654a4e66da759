package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Storage (issue 14): every mount through one share, read-only on both sides, device nodes and
 * the device cgroup, the block rootfs, the device budget, and nothing left on the host.
 */
@Timeout(240)
class StorageTest extends VmTest {

    /** Lines of /proc/mounts (the host's view) that mention {@code text}. */
    static List<String> hostMounts(String text) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream().filter(l -> l.contains(text)).toList();
    }

    static Map<String, Object> bind(String src, String dst, String... opts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", dst);
        m.put("type", "bind");
        m.put("source", src);
        m.put("options", List.of(opts));
        return m;
    }

    @Test
    void fortyBindMountsThroughOneShare() throws Exception {
        Path vols = tmp.resolve("vols");
        for (int i = 1; i <= 40; i++) {
            Files.createDirectories(vols.resolve("d" + i));
            Files.writeString(vols.resolve("d" + i + "/f"), "vol " + i + "\n");
        }
        Files.writeString(vols.resolve("hosts"), "10.1.2.3 thehost\n");
        Bundle b = bundle("sh", "-c", "cat /v/d1/f /v/d40/f /etc/myhosts; echo x > /v/d2/new && echo rw-ok;"
                + " echo y > /v/d3/new 2>/dev/null || echo ro-refused; ls /v | wc -l");
        b.edit(c -> {
            List<Object> mounts = Bundle.list(c, "mounts");
            for (int i = 1; i <= 40; i++) mounts.add(bind(vols.resolve("d" + i).toString(), "/v/d" + i, "rbind", i == 3 ? "ro" : "rw"));
            mounts.add(bind(vols.resolve("hosts").toString(), "/etc/myhosts", "bind", "ro"));
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "binds40");
        assertEquals(0, r.rc(), r::toString);
        assertEquals(List.of("vol 1", "vol 40", "10.1.2.3 thehost", "rw-ok", "ro-refused", "40"), r.out().lines().toList(), r::toString);
        assertEquals("x\n", Files.readString(vols.resolve("d2/new")), "a rw bind writes through to the host");
        assertFalse(Files.exists(vols.resolve("d3/new")));
        assertEquals(List.of(), hostMounts("binds40"), "no host mount names the container");
    }

    /**
     * A ro bind is read-only on the host side too: the hypervisor, root on the host, cannot write
     * through it; and the binds are in the monitor's mount namespace, not the host's.
     */
    @Test
    void roBindIsReadOnlyOnTheHostSideAndInvisibleToTheHost() throws Exception {
        Path ro = tmp.resolve("ro");
        Files.createDirectories(ro);
        Files.writeString(ro.resolve("f"), "host data\n");
        Bundle b = bundle("sleep", "600");
        b.edit(c -> Bundle.list(c, "mounts").add(bind(ro.toString(), "/ro", "bind", "ro")));
        assertEquals(0, cocoon.runIn(b.dir(), "create", "robind").rc());
        assertEquals(0, cocoon.run("start", "robind").rc());
        long monitor = ((Number) state("robind").get("pid")).longValue();
        assertEquals(List.of(), hostMounts(tmp.toString()), "the share's binds are not in the host's mount namespace");
        assertTrue(!Files.readSymbolicLink(Path.of("/proc/" + monitor + "/ns/mnt"))
                .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"))), "the monitor has a mount namespace of its own");
        // in the monitor's namespace: the bind is there, and read-only
        Path target = cocoon.root().resolve("robind/shared/robind/m/0");
        Cocoon.Result seen = Cocoon.exec(List.of("nsenter", "-t", Long.toString(monitor), "-m", "cat", target.resolve("f").toString()),
                tmp, null, Duration.ofSeconds(10));
        assertEquals("host data\n", seen.out(), seen::toString);
        Cocoon.Result write = Cocoon.exec(List.of("nsenter", "-t", Long.toString(monitor), "-m", "sh", "-c",
                "echo x > " + target.resolve("g")), tmp, null, Duration.ofSeconds(10));
        assertTrue(write.rc() != 0 && write.err().contains("Read-only file system"), write::toString);
        Cocoon.Result guest = cocoon.run("exec", "robind", "sh", "-c", "echo x > /ro/g");
        assertTrue(guest.rc() != 0 && guest.err().contains("Read-only file system"), guest::toString);
        assertFalse(Files.exists(ro.resolve("g")));
        assertEquals(0, cocoon.run("delete", "--force", "robind").rc());
        assertEquals(List.of(), hostMounts("robind"));
        assertEquals(List.of("f"), Files.list(ro).map(p -> p.getFileName().toString()).toList(), "the source is untouched");
    }

    /** kill -9 of the monitor: its namespace, and every bind in it, goes with it; so does a block overlay. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"9p-workload", "block"})
    void killedMonitorTakesItsMountsAlong(String storage) throws Exception {
        Path vol = tmp.resolve("vol");
        Files.createDirectories(vol);
        Files.writeString(vol.resolve("keep"), "keep me\n");
        Bundle b = bundle("sleep", "600");
        b.edit(c -> {
            Bundle.list(c, "mounts").add(bind(vol.toString(), "/vol", "rbind", "rw"));
            c.put("annotations", Map.of("io.cocoon.storage", storage));
        });
        String id = "crash-" + storage;
        assertEquals(0, cocoon.runIn(b.dir(), "create", id).rc());
        assertEquals(storage.equals("block"), Files.exists(cocoon.root().resolve(id + "/rootfs.qcow2")));
        long monitor = ((Number) state(id).get("pid")).longValue();
        ProcessHandle.of(monitor).ifPresent(ProcessHandle::destroyForcibly);
        Thread.sleep(500);
        assertEquals(0, cocoon.run("delete", "--force", id).rc());
        assertEquals(List.of(), hostMounts(id));
        assertFalse(Files.exists(cocoon.root().resolve(id)), "state, share and overlay are gone");
        assertEquals("keep me\n", Files.readString(vol.resolve("keep")), "deleting the state never reaches into a bind");
    }

    @Test
    void devicesAreCreatedAndTheDeviceCgroupApplies() throws Exception {
        Bundle b = bundle("sh", "-c", "stat -c '%n %F %t:%T %a %u:%g' /dev/mychar /dev/myblk /dev/myfifo;"
                + " cat /dev/mychar2 2>&1; mknod /dev/denied c 10 667 && cat /dev/denied 2>&1; cat /dev/null && echo null-ok");
        b.edit(c -> {
            Map<String, Object> linux = Bundle.obj(c, "linux");
            linux.put("devices", List.of(
                    Map.of("path", "/dev/mychar", "type", "c", "major", 10L, "minor", 666L, "fileMode", 0620L, "uid", 1L, "gid", 2L),
                    Map.of("path", "/dev/myblk", "type", "b", "major", 8L, "minor", 666L, "fileMode", 0640L),
                    Map.of("path", "/dev/myfifo", "type", "p", "fileMode", 0600L),
                    Map.of("path", "/dev/mychar2", "type", "c", "major", 10L, "minor", 666L, "fileMode", 0666L)));
            Map<String, Object> caps = Bundle.obj(Bundle.obj(c, "process"), "capabilities");
            for (String set : List.of("bounding", "effective", "permitted")) {
                List<Object> l = new ArrayList<>(Bundle.list(caps, set));
                l.add("CAP_MKNOD");
                caps.put(set, l);
            }
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "devs");
        assertEquals(0, r.rc(), r::toString);
        List<String> l = r.out().lines().toList();
        assertEquals("/dev/mychar character special file a:29a 620 1:2", l.get(0));
        assertEquals("/dev/myblk block special file 8:29a 640 0:0", l.get(1));
        assertEquals("/dev/myfifo fifo 0:0 600 0:0", l.get(2));
        assertTrue(l.get(3).contains("No such device or address"), "an allowed node with no driver behind it: " + r);
        assertTrue(l.get(4).contains("Operation not permitted"), "a node outside the rules is denied by the device cgroup: " + r);
        assertEquals("null-ok", l.get(5));
    }

    @Test
    void blockRootfsBuiltFromTheBundleAndCached() throws Exception {
        Bundle b = bundle("sh", "-c", "mount | grep ' / '; echo hello > /written; cat /written; cat /etc/myhosts");
        Files.writeString(tmp.resolve("hosts"), "hosts-from-host\n");
        b.edit(c -> {
            c.put("annotations", Map.of("io.cocoon.storage", "block"));
            Bundle.obj(c, "root").put("readonly", false);
            Bundle.list(c, "mounts").add(bind(tmp.resolve("hosts").toString(), "/etc/myhosts", "bind", "ro"));
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "blkroot1");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().startsWith("/dev/vda on / type ext4"), r::toString);
        assertTrue(r.out().contains("hello\nhosts-from-host"), r::toString);
        assertFalse(Files.exists(b.rootfs().resolve("written")), "writes go to the container's overlay, not the rootfs directory");
        List<Path> images = images();
        assertEquals(1, images.size(), images.toString());
        long built = Files.getLastModifiedTime(images.get(0)).toMillis();
        Cocoon.Result again = cocoon.runIn(b.dir(), "run", "blkroot2");
        assertEquals(0, again.rc(), again::toString);
        assertEquals(images, images(), "the cached image is reused");
        assertEquals(built, Files.getLastModifiedTime(images.get(0)).toMillis(), "and not rebuilt");
        assertEquals(List.of(), hostMounts("blkroot"));
    }

    /** A real Debian rootfs (debootstrap, cached by scripts/setup) on the block root; the image is reused. */
    @Test
    void debianRootfsOnABlockRoot() throws Exception {
        Path deb = Path.of(System.getProperty("user.home"), ".cache/cocoon/debian-rootfs");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(deb.resolve("bin/bash")),
                "no Debian rootfs at " + deb + " (scripts/setup makes it with debootstrap)");
        Bundle b = bundle("/bin/bash", "-c", "cat /etc/debian_version; dpkg-query -W -f '${Package}\\n' | wc -l;"
                + " echo through-apt-dir > /var/lib/apt/marker && cat /var/lib/apt/marker");
        b.edit(c -> {
            c.put("annotations", Map.of("io.cocoon.storage", "block"));
            Bundle.obj(c, "root").put("path", deb.toString());
            Bundle.obj(c, "root").put("readonly", false);
        });
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "debblk1");
        assertEquals(0, r.rc(), r::toString);
        List<String> l = r.out().lines().toList();
        assertTrue(l.get(0).startsWith("12."), r::toString);
        assertTrue(Integer.parseInt(l.get(1).strip()) > 50, "a real package database: " + r);
        assertEquals("through-apt-dir", l.get(2));
        assertFalse(Files.exists(deb.resolve("var/lib/apt/marker")), "the cached tree and its image stay pristine");
        List<Path> images = images();
        Cocoon.Result again = cocoon.runIn(b.dir(), "run", "debblk2");
        assertEquals(0, again.rc(), again::toString);
        assertEquals(images, images(), "the second container reuses the image");
        assertEquals(List.of(), hostMounts("debblk"));
    }

    private List<Path> images() throws Exception {
        try (var s = Files.list(tmp.resolve("images"))) {
            return s.filter(p -> p.toString().endsWith(".ext4")).sorted().toList();
        }
    }

    @Override
    @org.junit.jupiter.api.BeforeEach
    void setUpRoot() {
        super.setUpRoot();
        cocoon = cocoon.withEnv("COCOON_IMAGE_CACHE", tmp.resolve("images").toString());
    }

    /** QEMU's own words, quoted, when it refuses to start. */
    @Test
    void aHypervisorErrorIsQuoted() throws Exception {
        Bundle b = bundle("true");
        b.edit(c -> c.put("vm", Map.of("hypervisor", Map.of("path", "/usr/bin/qemu-system-x86_64",
                "parameters", List.of("-device", "no-such-device-model")))));
        long t0 = System.nanoTime();
        Cocoon.Result r = cocoon.runIn(b.dir(), "run", "qerr");
        assertTrue(r.rc() != 0, r::toString);
        assertTrue(r.err().contains("'no-such-device-model' is not a valid device model name"), r::toString);
        assertTrue(r.err().lines().count() == 1, r::toString);
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "not a boot timeout");
        assertFalse(Files.exists(cocoon.root().resolve("qerr")));
    }
}
