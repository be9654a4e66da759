package io.cocoon.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeLogTest {
    @TempDir Path dir;
    private final RuntimeLog before = RuntimeLog.get();

    /** Entries go through tinylog to the installed log: install the one under test. */
    private static RuntimeLog installed(RuntimeLog log) {
        RuntimeLog.install(log);
        return log;
    }

    @org.junit.jupiter.api.AfterEach
    void restore() {
        RuntimeLog.install(before);
    }

    /** Runs {@code r} with System.err captured. */
    private static String captureStderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonLinesAreLogrusObjects() throws IOException {
        Path f = dir.resolve("log.json");
        RuntimeLog log = installed(new RuntimeLog(f, true, null, true, "create")); // warnings reach --log only with --debug
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        log.info("starting \"web\"\nnow");
        log.warn("tab\there é");
        log.error("container failed: exit 1", new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(f);
        assertEquals(3, lines.size());
        String[] levels = {"info", "warning", "error"};
        String[] msgs = {"starting \"web\"\nnow", "tab\there é", "container failed: exit 1"};
        for (int i = 0; i < 3; i++) {
            Map<String, Object> m = Json.parseObject(lines.get(i));
            assertEquals(List.of("level", "msg", "time"), List.copyOf(m.keySet()));
            assertEquals(levels[i], m.get("level"));
            assertEquals(msgs[i], m.get("msg"));
            Instant t = Instant.parse((String) m.get("time"));
            assertTrue(Duration.between(t, Instant.now()).abs().toMinutes() < 5);
        }
        assertEquals("container failed: exit 1" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("info: starting \"web\"\nnow", "warning: tab\there é", "error: container failed: exit 1"), log.lines());
    }

    @Test
    void textFormatIsLogrusText() throws IOException {
        Path f = dir.resolve("log.txt");
        RuntimeLog log = installed(new RuntimeLog(f, false, null, true, "start"));
        log.debug("a \"quoted\" word");
        log.warn("careful");
        List<String> lines = Files.readAllLines(f);
        Pattern p = Pattern.compile("time=\"([^\"]+)\" level=(\\w+) msg=(\".*\")");
        Matcher m = p.matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        Instant.parse(m.group(1));
        assertEquals("debug", m.group(2));
        assertEquals("a \"quoted\" word", Json.parse(m.group(3)));
        m = p.matcher(lines.get(1));
        assertTrue(m.matches(), lines.get(1));
        assertEquals("warning", m.group(2));
        assertEquals(2, lines.size());
    }

    @Test
    void globalLogIsAsciiWithThePid() throws IOException {
        Path g = dir.resolve("global.log");
        RuntimeLog log = installed(new RuntimeLog(null, false, g, false, "delete"));
        log.info("héllo\nworld ✓ \u0001");
        String text = Files.readString(g, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"));
        String line = text.substring(0, text.length() - 1);
        assertFalse(line.contains("\n"));
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), line);
        String suffix = ":" + ProcessHandle.current().pid() + ":delete:info:h\\u00e9llo\\nworld \\u2713 \\u0001";
        assertTrue(line.endsWith(suffix), line);
        Instant.parse(line.substring(0, line.length() - suffix.length()));
    }

    @Test
    void warnAndInfoNeverReachStderr() {
        Path f = dir.resolve("log.json");
        String quiet = captureStderr(() -> {
            RuntimeLog withFile = installed(new RuntimeLog(f, true, null, true, "run"));
            withFile.warn("w1");
            withFile.info("i1");
            withFile.debug("d1");
            RuntimeLog noFile = installed(new RuntimeLog(null, true, dir.resolve("g.log"), false, "run"));
            noFile.warn("w2");
            noFile.info("i2");
        });
        assertEquals("", quiet);
        assertEquals(3, readLines(f).size(), "all three went to the file");
        assertEquals(2, readLines(dir.resolve("g.log")).size(), "and to the global log");
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void debugWithoutAFileGoesToStderr() {
        String out = captureStderr(() -> installed(new RuntimeLog(null, true, null, true, "run")).warn("visible"));
        assertTrue(out.startsWith("{\"level\":\"warning\",\"msg\":\"visible\""), out);
    }

    @Test
    void unwritableLogDoesNotFail() {
        RuntimeLog log = installed(new RuntimeLog(dir.resolve("no/such/dir/log"), true, dir.resolve("nope/g"), false, "x"));
        log.info("still fine");
        assertEquals(List.of("info: still fine"), log.lines());
    }

    @Test
    void installReplacesTheCurrentLog() {
        RuntimeLog before = RuntimeLog.get();
        RuntimeLog mine = installed(new RuntimeLog(null, false, null, false, "t"));
        try {
            RuntimeLog.install(mine);
            assertSame(mine, RuntimeLog.get());
        } finally {
            RuntimeLog.install(before);
        }
    }

    /** podman decodes the whole --log file as one object on failure: no warning may precede the error. */
    @Test
    void withoutDebugOnlyTheErrorReachesTheLogFile() throws IOException {
        Path f = dir.resolve("podman-oci-log");
        RuntimeLog log = installed(new RuntimeLog(f, true, null, false, "create"));
        log.warn("process.apparmorProfile: ignored");
        log.error("boom", new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(f);
        assertEquals(1, lines.size());
        assertEquals("boom", Json.parseObject(lines.get(0)).get("msg"));
    }
}
