package io.cocoon.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir Path tmp;

    private StateStore store() {
        return new StateStore(tmp.resolve("run/cocoon"));
    }

    private static ContainerRecord record(String id) {
        ContainerRecord s = ContainerRecordTest.sample();
        return new ContainerRecord(s.ociVersion(), id, ContainerStatus.CREATED, 0, 0, s.bundle(), s.rootfs(), s.created(), s.owner(),
                s.annotations(), s.hypervisor(), 0, 0, s.kernel(), s.initrd(), s.image(), s.accel(), null);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createWriteReadListRemove() throws IOException {
        StateStore st = store();
        assertEquals(List.of(), st.list(), "no root yet");
        try (StateStore.Lock _ = st.create("b")) {
            st.write(record("b"));
        }
        try (StateStore.Lock _ = st.create("a")) {
            st.write(record("a"));
        }
        assertTrue(st.exists("a"));
        assertFalse(st.exists("c"));
        assertEquals(record("b"), st.read("b"));
        assertEquals(List.of("a", "b"), st.list());
        assertTrue(Files.isRegularFile(st.dir("a").resolve(ContainerFiles.STATE)));
        assertTrue(Files.isRegularFile(st.dir("a").resolve(".lock")));

        try (StateStore.Lock _ = st.lock("a")) {
            st.write(record("a").withStatus(ContainerStatus.RUNNING));
        }
        assertEquals(ContainerStatus.RUNNING, st.read("a").status());

        Files.createDirectories(st.socketDir("a"));
        st.remove("a");
        assertFalse(Files.exists(st.dir("a")));
        assertFalse(Files.exists(st.socketDir("a")));
        assertFalse(st.exists("a"));
        assertEquals(List.of("b"), st.list());
        assertTrue(names(st.root()).stream().noneMatch(n -> n.startsWith(".trash")), names(st.root()).toString());
        st.remove("a"); // idempotent
    }

    @Test
    void duplicateIdIsRefused() throws IOException {
        StateStore st = store();
        st.create("dup").close();
        Files.writeString(st.dir("dup").resolve(ContainerFiles.STATE), "{}");
        CocoonException e = assertThrows(CocoonException.class, () -> st.create("dup"));
        assertEquals("container with id dup already exists", e.getMessage());
    }

    /** What a create killed before its first write leaves: state says "does not exist", so create may. */
    @Test
    void aKilledCreatesRemnantIsReclaimedButALiveCreateIsNot() throws IOException {
        StateStore st = store();
        try (StateStore.Lock busy = st.create("k")) {
            assertEquals("container with id k already exists", assertThrows(CocoonException.class, () -> st.create("k")).getMessage(),
                    "a create still holding the lock keeps its id");
        }
        Files.writeString(st.dir("k").resolve(".state.json.1234"), "{"); // its temporary file
        assertEquals("container k does not exist", assertThrows(CocoonException.class, () -> st.read("k")).getMessage());
        st.create("k").close();
        assertEquals(List.of(".lock"), names(st.dir("k")));
        Files.writeString(st.dir("k").resolve(ContainerFiles.RESOURCES), "{}");
        assertThrows(CocoonException.class, () -> st.create("k"), "resources recorded: something may need cleaning up");
    }

    @Test
    void invalidIdsNeverTouchTheDisk() {
        StateStore st = store();
        assertThrows(CocoonException.class, () -> st.create("../escape"));
        assertThrows(CocoonException.class, () -> st.dir("a/b"));
        assertThrows(CocoonException.class, () -> st.remove(".."));
        assertFalse(Files.exists(tmp.resolve("run/escape")));
    }

    @Test
    void missingContainersUseRuncsWording() throws IOException {
        StateStore st = store();
        assertEquals("container ghost does not exist", assertThrows(CocoonException.class, () -> st.lock("ghost")).getMessage());
        assertEquals("container ghost does not exist", assertThrows(CocoonException.class, () -> st.read("ghost")).getMessage());
        st.create("nostate").close();
        assertEquals("container nostate does not exist", assertThrows(CocoonException.class, () -> st.read("nostate")).getMessage());
        Files.writeString(st.dir("nostate").resolve(ContainerFiles.STATE), "{not json");
        CocoonException e = assertThrows(CocoonException.class, () -> st.read("nostate"));
        assertTrue(e.getMessage().startsWith("state of nostate is unreadable ("), e.getMessage());
    }

    @Test
    void listSkipsHiddenEntriesAndFiles() throws IOException {
        StateStore st = store();
        st.create("c1").close();
        Files.createDirectories(st.root().resolve(".s"));
        Files.createDirectories(st.root().resolve(".trash-x-1"));
        Files.writeString(st.root().resolve("stray-file"), "");
        assertEquals(List.of("c1"), st.list());
    }

    @Test
    void lockIsReleasedOnClose() {
        StateStore st = store();
        st.create("c").close();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            st.lock("c").close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void socketDirIsShortAndStablePerId() {
        StateStore st = new StateStore(Path.of("/run/cocoon-testroot"));
        assertEquals(20, st.root().toString().length());
        String id = "x".repeat(255);
        Path s = st.socketDir(id);
        assertTrue(s.toString().length() < 60, s.toString());
        assertTrue((s + "/ctl.sock").length() < 108);
        assertTrue(s.startsWith(st.root().resolve(".s")));
        assertEquals(s, st.socketDir(id));
        assertNotEquals(s, st.socketDir("x".repeat(254)));
    }

    @Test
    void rootIsAbsoluteAndNormalised() {
        StateStore st = new StateStore(Path.of("a/../b"));
        assertTrue(st.root().isAbsolute());
        assertEquals(Path.of("b").toAbsolutePath(), st.root());
        assertEquals(Path.of("/run/cocoon"), StateStore.DEFAULT_ROOT);
    }

    @Test
    void deleteTreeRemovesNestedDirectoriesButNotSymlinkTargets() throws IOException {
        Path keep = Files.createDirectories(tmp.resolve("keep"));
        Files.writeString(keep.resolve("precious"), "x");
        Path t = Files.createDirectories(tmp.resolve("t/a/b"));
        Files.writeString(t.resolve("f"), "x");
        Files.createSymbolicLink(tmp.resolve("t/link"), keep);
        StateStore.deleteTree(tmp.resolve("t"));
        assertFalse(Files.exists(tmp.resolve("t"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(keep.resolve("precious")));
        StateStore.deleteTree(tmp.resolve("t")); // nothing left: quiet
    }

    /** FileChannel locks are per process, so the competing holder must be another process. */
    @Test
    void lockWaitsForAnotherProcessToRelease() throws Exception {
        StateStore st = store();
        st.create("busy").close();
        Path holder = tmp.resolve("HoldLock.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                public class HoldLock {
                    public static void main(String[] a) throws Exception {
                        try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE);
                             var l = ch.lock()) {
                            System.out.println("locked");
                            System.out.flush();
                            System.in.read();
                        }
                    }
                }
                """);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", holder.toString(), st.dir("busy").resolve(".lock").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return e.toString();
                }
            }).get(60, TimeUnit.SECONDS));

            CompletableFuture<StateStore.Lock> mine = CompletableFuture.supplyAsync(() -> st.lock("busy"));
            assertThrows(TimeoutException.class, () -> mine.get(300, TimeUnit.MILLISECONDS), "must wait while held");
            p.getOutputStream().close(); // the holder reads EOF, releases and exits
            try (StateStore.Lock _ = mine.get(10, TimeUnit.SECONDS)) {
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void removeWorksForTheLongestValidId(@org.junit.jupiter.api.io.TempDir Path tmp2) {
        StateStore st = new StateStore(tmp2.resolve("root"));
        String id = "x".repeat(ContainerId.MAX_LENGTH);
        st.create(id).close();
        st.remove(id);
        org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(st.dir(id)));
    }
}
