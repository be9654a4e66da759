package io.cocoon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast commands in-process: exit statuses and one-line errors, without VMs. */
class MainTest {
    @TempDir Path tmp;

    @Test
    void versionAndHelp() {
        CliRunner.Out v = CliRunner.run("--version");
        assertEquals(0, v.rc());
        assertTrue(v.out().startsWith("cocoon version "));
        assertEquals(v.out(), CliRunner.run("version").out());
        CliRunner.Out h = CliRunner.run("--help");
        assertEquals(0, h.rc());
        assertTrue(h.out().contains("commands:"));
        CliRunner.Out k = CliRunner.run("kill", "--help");
        assertTrue(k.out().contains("--all"));
        assertEquals(1, CliRunner.run().rc(), "no command: usage and status 1");
    }

    @Test
    void statusRulesForLifecycleCommands() throws Exception {
        String root = tmp.toString();
        CliRunner.record(tmp, "stopped1", "stopped", 0, Map.of());
        assertEquals("cannot start a container that has stopped\n", CliRunner.run("--root", root, "start", "stopped1").err());
        assertEquals("container not running\n", CliRunner.run("--root", root, "kill", "stopped1").err());
        assertEquals("container not running\n", CliRunner.run("--root", root, "pause", "stopped1").err());
        assertEquals("container not paused\n", CliRunner.run("--root", root, "resume", "stopped1").err());
        assertEquals("invalid signal \"NOPE\"\n", CliRunner.run("--root", root, "kill", "stopped1", "NOPE").err());
        assertEquals("cannot exec in a stopped container\n", CliRunner.run("--root", root, "exec", "stopped1", "ls").err());
        CliRunner.Out d = CliRunner.run("--root", root, "delete", "stopped1");
        assertEquals(0, d.rc(), d.err());
        assertTrue(Files.notExists(tmp.resolve("stopped1")));
    }

    @Test
    void aDeadMonitorMeansStopped() throws Exception {
        // a record claiming "running" whose monitor pid does not exist
        CliRunner.record(tmp, "ghost", "running", 999_999_999, Map.of());
        assertTrue(CliRunner.run("--root", tmp.toString(), "state", "ghost").out().contains("\"status\": \"stopped\""));
        assertEquals(0, CliRunner.run("--root", tmp.toString(), "delete", "ghost").rc());
    }

    @Test
    void unknownCommand() {
        CliRunner.Out o = CliRunner.run("nope");
        assertEquals(1, o.rc());
        assertEquals("unknown command \"nope\"; see 'cocoon --help'\n", o.err());
    }

    @Test
    void updateRefusesWhatAVmCannotChange() throws Exception {
        CliRunner.record(tmp, "u", "stopped", 0, Map.of());
        CliRunner.Out o = CliRunner.run("--root", tmp.toString(), "update", "--cpuset-cpus", "0", "u");
        assertEquals("update: --cpuset-cpus cannot be changed for a container in a VM\n", o.err());
        CliRunner.Out r = CliRunner.runWithInput("{\"blockIO\": {\"weight\": 10}}", "--root", tmp.toString(), "update", "--resources", "-", "u");
        assertEquals("update: blockIO cannot be changed for a container in a VM\n", r.err());
        CliRunner.Out bad = CliRunner.runWithInput("{\"memory\": {\"limit\": \"x\"}}", "--root", tmp.toString(), "update", "-r", "-", "u");
        assertEquals("memory.limit: must be an integer\n", bad.err());
    }
}
