package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI without VMs: bad input gets one clear line and a non-zero exit and leaves nothing
 * behind; the informational commands print what they promise.
 */
class CliBasicsTest {
    @TempDir Path tmp;

    Cocoon cocoon() {
        return Cocoon.image(tmp.resolve("root"));
    }

    static void oneLineFailure(Cocoon.Result r, String expected) {
        assertNotEquals(0, r.rc(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), () -> "one line expected: " + r);
        assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in " + r);
    }

    void nothingLeft() throws Exception {
        Path root = tmp.resolve("root");
        if (!Files.exists(root)) return;
        try (var s = Files.list(root)) {
            List<Path> left = s.filter(p -> !p.getFileName().toString().equals(".lock")
                    && !p.getFileName().toString().equals(".s")).toList();
            assertEquals(List.of(), left, "state directories left behind");
        }
        Path socks = root.resolve(".s");
        if (Files.exists(socks)) {
            try (var s = Files.list(socks)) {
                assertEquals(List.of(), s.toList(), "socket directories left behind");
            }
        }
    }

    @Test
    void versionLooksLikeRuncs() {
        Cocoon.Result r = cocoon().run("--version");
        assertEquals(0, r.rc());
        assertTrue(r.out().startsWith("cocoon version "), r.out());
        assertTrue(r.out().contains("\nspec: 1.2.0\n"), r.out());
        // runc's lines, then the JVM and the guest kernel the image carries
        List<String> keys = r.out().lines().map(l -> l.substring(0, l.indexOf(l.startsWith("cocoon version") ? " " : ":"))).toList();
        assertEquals(List.of("cocoon", "commit", "spec", "java", "guest kernel"), keys, r.out());
        assertTrue(r.out().matches("(?s).*\ncommit: [0-9a-f]{12}(-dirty)?\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\nguest kernel: 6\\.1\\.\\d+.*"), r.out());
    }

    @Test
    void stateOfUnknownContainer() {
        oneLineFailure(cocoon().run("state", "nosuch"), "container nosuch does not exist");
        assertEquals(1, cocoon().run("state", "nosuch").rc());
    }

    @Test
    void badIdsAreRefused() throws Exception {
        Bundle b = Bundle.busybox(tmp.resolve("b"), "true");
        for (String id : List.of("../x", "a/b", "x y", "a".repeat(1000))) {
            oneLineFailure(cocoon().run("create", "--bundle", b.dir().toString(), id), "invalid container id");
        }
        oneLineFailure(cocoon().run("create", "--bundle", b.dir().toString(), ""), "container id cannot be empty");
        nothingLeft();
    }

    @Test
    void missingBundle() throws Exception {
        oneLineFailure(cocoon().run("create", "--bundle", tmp.resolve("nope").toString(), "c1"), "does not exist");
        nothingLeft();
    }

    @Test
    void malformedConfig() throws Exception {
        Bundle b = Bundle.busybox(tmp.resolve("b"), "true");
        Files.writeString(b.dir().resolve("config.json"), "{\"ociVersion\": \"1.2.0\", ");
        oneLineFailure(cocoon().run("create", "--bundle", b.dir().toString(), "c1"), "malformed JSON");
        nothingLeft();
    }

    @Test
    void unreadableConfig() throws Exception {
        Bundle b = Bundle.busybox(tmp.resolve("b"), "true");
        Files.delete(b.dir().resolve("config.json"));
        Files.createDirectory(b.dir().resolve("config.json"));
        oneLineFailure(cocoon().run("create", "--bundle", b.dir().toString(), "c1"), "config.json");
        nothingLeft();
    }

    @Test
    void processArgsOfWrongTypeNamesThePath() throws Exception {
        Bundle b = Bundle.busybox(tmp.resolve("b"), "true");
        b.edit(c -> Bundle.obj(c, "process").put("args", 5L));
        oneLineFailure(cocoon().run("create", "--bundle", b.dir().toString(), "c1"), "process.args");
        nothingLeft();
    }

    @Test
    void missingExecutableUsesRuncsWording() throws Exception {
        Bundle b = Bundle.busybox(tmp.resolve("b"), "nosuchprogram");
        oneLineFailure(cocoon().run("create", "--bundle", b.dir().toString(), "c1"), "executable file not found in $PATH");
        nothingLeft();
    }

    @Test
    void unknownCommandAndFlag() {
        oneLineFailure(cocoon().run("frobnicate"), "unknown command");
        oneLineFailure(cocoon().run("state", "--frob", "x"), "flag provided but not defined: -frob");
        oneLineFailure(cocoon().run("--frob", "state", "x"), "flag provided but not defined");
    }

    @Test
    void deleteForceOfUnknownContainerIsQuiet() {
        Cocoon.Result r = cocoon().run("delete", "--force", "nosuch");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("", r.all());
        oneLineFailure(cocoon().run("delete", "nosuch"), "does not exist");
    }

    @Test
    void logJsonGetsRuncsShapeAndStderrTheMessage() throws Exception {
        Path log = tmp.resolve("log.json");
        Cocoon.Result r = cocoon().run("--log", log.toString(), "--log-format", "json", "start", "nosuch");
        oneLineFailure(r, "does not exist");
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), lines::toString);
        Map<String, Object> e = Json.parseObject(lines.get(0));
        assertEquals("error", e.get("level"));
        assertEquals("container nosuch does not exist", e.get("msg"));
        assertTrue(String.valueOf(e.get("time")).endsWith("Z"));
        // podman's form: --log-format=json
        Path log2 = tmp.resolve("log2.json");
        cocoon().run("--log-format=json", "--log=" + log2, "kill", "nosuch", "9");
        assertTrue(Files.readString(log2).startsWith("{\"level\":\"error\""));
    }

    @Test
    void globalLogIsAsciiWithPid() throws Exception {
        Path log = tmp.resolve("global.log");
        cocoon().run("--global-log", log.toString(), "state", "nosuch-\u00e9");
        String text = Files.readString(log);
        assertTrue(text.chars().allMatch(ch -> ch < 0x80), text);
        assertTrue(text.contains(":state:error:"), text);
    }

    @Test
    void specWritesAConfigThatCocoonReadsBack() throws Exception {
        Path d = tmp.resolve("empty");
        Files.createDirectories(d);
        Cocoon.Result r = Cocoon.exec(List.of(Cocoon.image().resolve("bin/cocoon").toString(), "spec"), d, null,
                java.time.Duration.ofSeconds(30));
        assertEquals(0, r.rc(), r::toString);
        Map<String, Object> c = Json.parseObject(Files.readString(d.resolve("config.json")));
        assertEquals(List.of("sh"), Bundle.obj(c, "process").get("args"));
        assertEquals(Boolean.TRUE, Bundle.obj(c, "process").get("terminal"));
        // read back: parsing succeeds and stops at the (missing) rootfs
        oneLineFailure(cocoon().run("create", "--bundle", d.toString(), "c1"), "root.path");
        oneLineFailure(Cocoon.exec(List.of(Cocoon.image().resolve("bin/cocoon").toString(), "spec"), d, null,
                java.time.Duration.ofSeconds(30)), "exists");
        Path d2 = tmp.resolve("nt");
        Files.createDirectories(d2);
        Cocoon.exec(List.of(Cocoon.image().resolve("bin/cocoon").toString(), "spec", "--no-terminal"), d2, null, java.time.Duration.ofSeconds(30));
        assertEquals(Boolean.FALSE, Bundle.obj(Json.parseObject(Files.readString(d2.resolve("config.json"))), "process").get("terminal"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void featuresNameThePlugins() {
        Cocoon.Result r = cocoon().run("features");
        assertEquals(0, r.rc(), r::toString);
        Map<String, Object> f = Json.parseObject(r.out());
        assertEquals("1.0.0", f.get("ociVersionMin"));
        Map<String, Object> ann = (Map<String, Object>) f.get("annotations");
        assertTrue(String.valueOf(ann.get("io.cocoon.plugins.hypervisor")).contains("qemu-lite"));
        assertTrue(String.valueOf(ann.get("io.cocoon.plugins.hypervisor")).contains("xen-xl"));
        assertEquals("cni-bridge", ann.get("io.cocoon.plugins.network"));
        assertEquals("9p-workload,block", ann.get("io.cocoon.plugins.storage"));
    }

    @Test
    void listOfNothing() {
        Cocoon.Result r = cocoon().run("list", "--format", "json");
        assertEquals(0, r.rc());
        assertEquals("[]", r.out().strip());
        assertTrue(cocoon().run("list").out().startsWith("ID"));
        assertEquals("", cocoon().run("list", "-q").out());
    }

    @Test
    void doctorPrintsOneLinePerCheck() {
        Cocoon.Result r = cocoon().run("doctor");
        String prev = "";
        for (String l : r.out().strip().split("\n")) {
            // a check per line; a WARN or FAIL is followed by one line saying how to fix it
            assertTrue(l.matches("(OK|WARN|FAIL) .*") || (l.startsWith("     fix: ") && prev.matches("(WARN|FAIL) .*")), l);
            prev = l;
        }
        assertEquals(r.out().lines().filter(l -> l.matches("(WARN|FAIL) .*")).count(), r.out().lines().filter(l -> l.startsWith("     fix: ")).count(),
                () -> "every warning says how to fix it:\n" + r.out());
        Cocoon.Result json = cocoon().run("doctor", "--format", "json");
        assertEquals(r.rc(), json.rc());
        List<?> checks = (List<?>) Json.parse(json.out());
        assertEquals(r.out().lines().filter(l -> l.matches("(OK|WARN|FAIL) .*")).count(), checks.size());
        for (Object o : checks) {
            Map<?, ?> c = (Map<?, ?>) o;
            assertTrue(List.of("OK", "WARN", "FAIL").contains(c.get("status")), c.toString());
            assertTrue(c.get("subject") instanceof String && c.get("detail") instanceof String, c.toString());
            if (!"OK".equals(c.get("status"))) assertTrue(c.get("fix") instanceof String, "a fix for " + c);
        }
        assertTrue(r.out().contains("qemu"), r.out());
        assertTrue(r.out().contains("kvm"), r.out());
        assertTrue(r.out().contains("guest kernel"), r.out());
    }

    @Test
    void checkpointAndRestoreRefuseBadInputInOneLine() {
        oneLineFailure(cocoon().run("checkpoint", "nosuch"), "does not exist");
        oneLineFailure(cocoon().run("checkpoint", "--pre-dump", "nosuch"), "--pre-dump is not supported");
        oneLineFailure(cocoon().run("restore", "--image-path", "/nonexistent", "x"), "is not a directory");
        oneLineFailure(cocoon().run("restore", "--image-path", "/tmp", "../x"), "");
    }

    @Test
    void helpListsCommands() {
        Cocoon.Result r = cocoon().run("--help");
        assertEquals(0, r.rc());
        for (String c : List.of("create", "start", "state", "kill", "delete", "run", "exec", "list", "ps", "pause", "resume",
                "events", "update", "checkpoint", "restore", "spec", "features", "plugins", "doctor")) {
            assertTrue(r.out().contains("   " + c + " "), c);
        }
        assertFalse(r.out().contains("exec-relay"));
    }

    /** The commands engines call most load neither databind nor the native-call layer, and scan no plugins. */
    @Test
    void fastCommandsStayLight() throws Exception {
        Path image = Cocoon.image();
        List<String> opts = Files.readAllLines(image.resolve("../../../jlink/jvm.options")).stream()
                .filter(l -> !l.startsWith("#") && !l.startsWith("-Xlog")).toList();
        for (List<String> args : List.of(List.of("state", "nosuch"), List.of("--version"), List.of("list"),
                List.of("kill", "nosuch", "9"), List.of("delete", "--force", "nosuch"), List.of("start", "nosuch"),
                List.of("pause", "nosuch"), List.of("resume", "nosuch"))) {
            Path log = tmp.resolve("classes.log");
            java.util.List<String> cmd = new java.util.ArrayList<>(List.of(image.resolve("bin/java").toString()));
            cmd.addAll(opts);
            cmd.addAll(List.of("-Xlog:class+load=info:file=" + log, "-m", "io.cocoon.cli/io.cocoon.cli.Main",
                    "--root", tmp.resolve("root").toString()));
            cmd.addAll(args);
            Cocoon.exec(cmd, tmp, null, java.time.Duration.ofSeconds(60));
            String loaded = Files.readString(log);
            for (String heavy : List.of("com.fasterxml.", "java.lang.foreign.", "io.cocoon.hypervisor.", "io.cocoon.monitor.")) {
                assertFalse(loaded.contains(heavy), args + " loaded " + heavy);
            }
        }
    }
}
