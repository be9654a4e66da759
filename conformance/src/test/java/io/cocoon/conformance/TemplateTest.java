package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * VM templates (docs/templates.md), each test with a template directory of its own: built on
 * first use, cloned after, once for concurrent first uses; clones do not share the template's
 * random state; private and shared memory; a corrupt template is a cold boot, not a failure.
 */
@Timeout(240)
class TemplateTest extends VmTest {
    Path templates;
    Cocoon withTemplates;

    @BeforeEach
    void ownTemplateDir() {
        templates = tmp.resolve("templates");
        // private unless a bundle's annotation says otherwise, whatever mode the suite runs in
        withTemplates = cocoon.withEnv("COCOON_TEMPLATE_DIR", templates.toString()).withEnv("COCOON_TEMPLATE", "private");
    }

    /** Prints what a clone must not share with the others: the kernel's boot id and random bytes. */
    Bundle identityBundle(String mode) throws IOException {
        Bundle b = namedBundle("bundle-" + mode, "sh", "-c", "cat /proc/sys/kernel/random/boot_id; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'; echo");
        b.edit(c -> Bundle.obj(c, "annotations").put("io.cocoon.vm.template", mode));
        return b;
    }

    /** create + start + wait: the output, and the boot {@code list --all} showed while it ran. */
    String[] runOnce(Cocoon c, Bundle b, String id) throws Exception {
        Cocoon.Result r = c.run("create", "--bundle", b.dir().toString(), id);
        assertEquals(0, r.rc(), r::toString);
        String boot = boot(c, id);
        assertEquals(0, c.run("start", id).rc());
        awaitStatus(id, "stopped", 30_000);
        String log = monitorLog(id);
        assertEquals(0, c.run("delete", id).rc());
        return new String[] {boot, "", log};
    }

    String boot(Cocoon c, String id) {
        Cocoon.Result list = c.run("list", "--format", "json", "--all");
        for (Object o : (List<?>) Json.parse(list.out())) {
            Map<?, ?> m = (Map<?, ?>) o;
            if (id.equals(m.get("id"))) return String.valueOf(m.get("boot"));
        }
        throw new AssertionError(id + " not listed: " + list);
    }

    String monitorLog(String id) throws IOException {
        return Files.readString(cocoon.root().resolve(id).resolve("monitor.log"));
    }

    @Test
    void theFirstUseBuildsTheTemplateAndClonesDoNotShareItsRandomState() throws Exception {
        Bundle b = bundle("sh", "-c", "cat /proc/sys/kernel/random/boot_id; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'; echo");
        List<String> seen = new ArrayList<>();
        for (String id : List.of("t1", "t2", "t3")) {
            Cocoon.Result r = withTemplates.run("create", "--bundle", b.dir().toString(), id);
            assertEquals(0, r.rc(), r::toString);
            assertEquals("template:private", boot(withTemplates, id), "the default: a private template");
            String log = monitorLog(id);
            assertEquals(id.equals("t1"), log.contains("built in"), "only the first use builds it: " + log);
            assertTrue(log.contains("VM cloned from template"), log);
            assertEquals(0, withTemplates.run("start", id).rc());
            assertEquals("stopped", awaitStatus(id, "stopped", 30_000));
            assertEquals(0, withTemplates.run("delete", id).rc());
        }
        try (Stream<Path> s = Files.list(templates)) {
            assertEquals(1, s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).count(),
                    "one template for one shape");
        }
        // the output went to the container's stdio: run it in the foreground to read it
        for (String id : List.of("r1", "r2", "r3")) {
            Cocoon.Result r = withTemplates.runIn(b.dir(), "run", id);
            assertEquals(0, r.rc(), r::toString);
            seen.add(r.out().strip());
        }
        assertEquals(3, seen.stream().distinct().count(), "boot id and random bytes differ between clones: " + seen);

        // the cache from the command line: listed (create's shape and run's), removed, rebuilt on next use
        Cocoon.Result list = withTemplates.run("template", "list");
        assertEquals(0, list.rc(), list::toString);
        List<String> keys = list.out().lines().skip(2).map(l -> l.split("\\s+")[0]).toList();
        assertEquals(2, keys.size(), "create keeps a standby NIC, run does not: two shapes: " + list.out());
        for (String k : keys) assertTrue(k.endsWith("-private") && Files.isDirectory(templates.resolve(k)), list.out());
        Cocoon.Result doctor = withTemplates.run("doctor");
        assertTrue(doctor.out().contains("2 built in " + templates), "doctor counts them: " + doctor);
        Cocoon.Result rm = withTemplates.run("template", "rm", keys.get(0));
        assertEquals(0, rm.rc(), rm::toString);
        assertTrue(!Files.exists(templates.resolve(keys.get(0))));
        Cocoon.Result again = withTemplates.run("template", "rm", keys.get(0));
        assertEquals(1, again.rc(), "a key that is not there: " + again);
        assertEquals(0, withTemplates.run("template", "rm", "--all").rc());
        assertEquals(2, withTemplates.run("template", "list").out().lines().count(), "none left");
        Cocoon.Result build = withTemplates.run("template", "build");
        assertTrue(build.rc() != 0 && build.err().contains("built from a container's plan on its first use"), build::toString);
        String[] next = runOnce(withTemplates, b, "t4");
        assertTrue(next[0].equals("template:private") && next[2].contains("built in"), "rebuilt on the next use: " + next[2]);
    }

    @Test
    void concurrentFirstUsesBuildItOnce() throws Exception {
        Bundle b = bundle("true");
        List<CompletableFuture<Cocoon.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "c" + i;
            runs.add(CompletableFuture.supplyAsync(() -> withTemplates.run("create", "--bundle", b.dir().toString(), id)));
        }
        List<Cocoon.Result> results = runs.stream().map(CompletableFuture::join).toList(); // all done before any assert
        int built = 0;
        for (int i = 0; i < 3; i++) {
            Cocoon.Result r = results.get(i);
            assertEquals(0, r.rc(), r::toString);
            String log = monitorLog("c" + i);
            if (log.contains("built in")) built++;
            assertTrue(log.contains("VM cloned from template"), log);
        }
        assertEquals(1, built, "one build for three first uses");
        for (int i = 0; i < 3; i++) assertEquals(0, withTemplates.run("delete", "--force", "c" + i).rc());
    }

    @Test
    void aCorruptTemplateIsAColdBootWithAWarning() throws Exception {
        Bundle b = bundle("true");
        String[] first = runOnce(withTemplates, b, "k1");
        assertEquals("template:private", first[0]);
        Path state;
        try (Stream<Path> s = Files.walk(templates)) {
            state = s.filter(p -> p.getFileName().toString().equals("state")).findFirst().orElseThrow();
        }
        // same size, garbage content: passes the size check, fails QEMU's load
        byte[] junk = new byte[(int) Files.size(state)];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        Files.write(state, junk);
        String[] second = runOnce(withTemplates, b, "k2");
        assertEquals("cold", second[0], "the corrupt template is not used");
        assertTrue(second[2].contains("restore failed") && second[2].contains("cold boot"), second[2]);
        assertTrue(!Files.exists(state), "and it is removed");
        String[] third = runOnce(withTemplates, b, "k3");
        assertEquals("template:private", third[0], "the next use builds a good one");
        // the list of the memory file's data, which private clones copy: one that does not fit it
        Path extents;
        try (Stream<Path> s = Files.walk(templates)) {
            extents = s.filter(p -> p.getFileName().toString().equals("memory.extents")).findFirst().orElseThrow();
        }
        Files.writeString(extents, "0 999999999999999\n");
        String[] fourth = runOnce(withTemplates, b, "k4");
        assertEquals("cold", fourth[0], "a template whose data list is corrupt is not used");
        assertTrue(fourth[2].contains("restore failed") && fourth[2].contains("memory.extents line 1"), fourth[2]);
        assertTrue(!Files.exists(extents), "and it is removed");
    }

    @Test
    void sharedMemoryClonesAndTemplatesOff() throws Exception {
        Bundle shared = identityBundle("shared");
        Cocoon.Result a = withTemplates.runIn(shared.dir(), "run", "s1");
        Cocoon.Result b = withTemplates.runIn(shared.dir(), "run", "s2");
        assertEquals(0, a.rc(), a::toString);
        assertEquals(0, b.rc(), b::toString);
        assertNotEquals(a.out(), b.out(), "clones of a shared template have their own random state");
        try (Stream<Path> s = Files.walk(templates)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("memory")), "the shared template keeps its RAM in a file");
        }
        String[] off = runOnce(withTemplates, identityBundle("off"), "o1");
        assertEquals("cold", off[0]);
        assertTrue(!off[2].contains("VM template"), off[2]);
    }
}
