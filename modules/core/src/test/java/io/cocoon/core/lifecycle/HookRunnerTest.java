package io.cocoon.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.core.state.ProcStat;
import io.cocoon.core.util.Processes;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.json.Json;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {
    @TempDir Path dir;

    private static final Map<String, Object> STATE = state();

    private static Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", "1.2.0");
        m.put("id", "web-1");
        m.put("status", "creating");
        m.put("pid", 1234L);
        m.put("bundle", "/srv/bundle");
        m.put("annotations", Map.of("a", "b"));
        return m;
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static Spec.Hook hook(Path path, List<String> args, List<String> env, Integer timeout) {
        return new Spec.Hook(path.toString(), args, env, timeout);
    }

    @Test
    void stateArrivesOnStdin() throws IOException {
        Path out = dir.resolve("stdin.json");
        Path h = script("hook", "/bin/cat > \"$1\"");
        assertNull(HookRunner.runOne(hook(h, List.of("hook", out.toString()), List.of(), 10), STATE));
        assertEquals(Json.write(STATE), Files.readString(out));
        assertEquals(STATE, Json.parseObject(Files.readString(out)));
    }

    @Test
    void environmentIsExactlyTheGivenOne() throws IOException {
        Path out = dir.resolve("env.txt");
        Path h = script("hook", "/usr/bin/env > \"$1\"");
        assertNull(HookRunner.runOne(hook(h, List.of("hook", out.toString()),
                List.of("A=1", "B=two words", "C=", "D=x=y", "NOEQUALS"), 10), STATE));
        Set<String> lines = new TreeSet<>(Files.readAllLines(out));
        lines.removeIf(l -> l.startsWith("PWD=") || l.startsWith("SHLVL=") || l.startsWith("_=")); // set by the shell itself
        assertEquals(new TreeSet<>(List.of("A=1", "B=two words", "C=", "D=x=y")), lines);
    }

    @Test
    void argsAfterTheFirstArePassedInOrder() throws IOException {
        Path out = dir.resolve("args.txt");
        Path h = script("hook", "printf '%s|' \"$#\" \"$@\" > " + out);
        assertNull(HookRunner.runOne(hook(h, List.of("argv0-name", "one", "two words", ""), List.of(), 10), STATE));
        assertEquals("3|one|two words||", Files.readString(out));
        assertNull(HookRunner.runOne(hook(h, List.of(), List.of(), 10), STATE));
        assertEquals("0|", Files.readString(out), "no args: none passed");
    }

    @Test
    void nonZeroExitFailsWithTheFirstStderrLine() throws IOException {
        Path ok = script("ok", "exit 0");
        Path bad = script("bad", "echo 'bad thing happened' >&2\necho 'second line' >&2\nexit 3");
        assertEquals("exit status 3: bad thing happened", HookRunner.runOne(hook(bad, List.of(), List.of(), 10), STATE));
        CocoonException e = assertThrows(CocoonException.class, () -> HookRunner.run("prestart",
                List.of(hook(ok, List.of(), List.of(), 10), hook(bad, List.of(), List.of(), 10)), STATE));
        assertEquals("prestart hook #1 (" + bad + ") failed: exit status 3: bad thing happened", e.getMessage());
        Path quiet = script("quiet", "exit 7");
        assertEquals("exit status 7", HookRunner.runOne(hook(quiet, List.of(), List.of(), 10), STATE));
    }

    @Test
    void runStopsAtTheFirstFailureRunAllDoesNot() throws IOException {
        Path marker = dir.resolve("ran");
        Path bad = script("bad", "exit 1");
        Path touch = script("touch", "echo x >> " + marker);
        List<Spec.Hook> hooks = List.of(hook(bad, List.of(), List.of(), 10), hook(touch, List.of(), List.of(), 10),
                hook(bad, List.of(), List.of(), 10));
        assertThrows(CocoonException.class, () -> HookRunner.run("createRuntime", hooks, STATE));
        assertTrue(Files.notExists(marker));
        List<String> failures = HookRunner.runAll("poststop", hooks, STATE);
        assertEquals(List.of("poststop hook #0 (" + bad + ") failed: exit status 1",
                "poststop hook #2 (" + bad + ") failed: exit status 1"), failures);
        assertEquals("x\n", Files.readString(marker));
        HookRunner.run("poststart", List.of(), STATE);
    }

    @Test
    void timeoutKillsTheHookQuickly() throws IOException {
        Path pidFile = dir.resolve("pid");
        Path h = script("slow", "echo $$ > " + pidFile + "\nexec /bin/sleep 30");
        long t0 = System.nanoTime();
        assertEquals("timed out after 1 s", HookRunner.runOne(hook(h, List.of(), List.of(), 1), STATE));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 900 && ms < 5000, "took " + ms + " ms");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(Processes.waitGone(pid, 0, 5000), "the hook process is gone");
        assertEquals(-1, ProcStat.startTime(pid));
    }

    @Test
    void missingExecutableIsAFailureNotAnException() {
        String err = HookRunner.runOne(new Spec.Hook(dir.resolve("absent").toString(), List.of(), List.of(), 5), STATE);
        assertNotNull(err);
        assertTrue(err.contains(dir.resolve("absent").toString()), err);
    }

    @Test
    void fromConfigReadsHooksOfOnePoint() {
        Map<String, Object> config = Json.parseObject("""
                {"hooks": {"prestart": [
                    {"path": "/usr/bin/hook", "args": ["hook", "--x"], "env": ["A=1"], "timeout": 5},
                    {"args": ["no path: skipped"]},
                    "not an object",
                    {"path": "/bin/true"}],
                 "poststop": [{"path": "/p"}]}}""");
        assertEquals(List.of(new Spec.Hook("/usr/bin/hook", List.of("hook", "--x"), List.of("A=1"), 5),
                new Spec.Hook("/bin/true", List.of(), List.of(), null)), HookRunner.fromConfig(config, "prestart"));
        assertEquals(List.of(new Spec.Hook("/p", List.of(), List.of(), null)), HookRunner.fromConfig(config, "poststop"));
        assertEquals(List.of(), HookRunner.fromConfig(config, "createRuntime"));
        assertEquals(List.of(), HookRunner.fromConfig(Map.of(), "prestart"));
    }

    @Test
    void chattyHookOnStderrSucceeds() throws IOException {
        Path h = script("chatty.sh", "/usr/bin/head -c 200000 /dev/zero | /usr/bin/tr '\\0' x >&2\nexit 0");
        org.junit.jupiter.api.Assertions.assertNull(HookRunner.runOne(new Spec.Hook(h.toString(), List.of(), List.of(), 5),
                Map.of("id", "c")));
    }

    @Test
    void timeoutHoldsWhenTheHookDoesNotReadALargeState() throws IOException {
        Path h = script("deaf.sh", "exec /bin/sleep 4");
        Map<String, Object> state = Map.of("id", "c", "annotations", Map.of("big", "x".repeat(300_000)));
        long t0 = System.nanoTime();
        String err = HookRunner.runOne(new Spec.Hook(h.toString(), List.of(), List.of(), 1), state);
        org.junit.jupiter.api.Assertions.assertEquals("timed out after 1 s", err);
        org.junit.jupiter.api.Assertions.assertTrue(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 3000);
    }
}
