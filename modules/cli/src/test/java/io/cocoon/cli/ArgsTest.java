package io.cocoon.cli;

import io.cocoon.cli.support.GlobalOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.spi.CocoonException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flag parsing as runc's (Go flag) callers expect it. */
class ArgsTest {
    static final List<Opt> OPTS = List.of(Opt.bool("force", "force", "f"), Opt.value("bundle", "bundle", "b"),
            Opt.repeated("env", "env", "e"));

    @Test
    void oneOrTwoDashesAndEquals() {
        Args a = Args.parse("x", OPTS, List.of("-f", "--bundle=/b", "-e", "A=1", "--env", "B=2", "id"));
        assertTrue(a.flag("force"));
        assertEquals("/b", a.value("bundle"));
        assertEquals(List.of("A=1", "B=2"), a.values("env"));
        assertEquals(List.of("id"), a.positional());
    }

    @Test
    void flagsStopAtTheFirstPositional() {
        Args a = Args.parse("exec", OPTS, List.of("id", "sh", "-c", "echo -f"));
        assertFalse(a.flag("force"));
        assertEquals(List.of("id", "sh", "-c", "echo -f"), a.positional());
        assertEquals(List.of("-f"), Args.parse("x", OPTS, List.of("--", "-f")).positional());
    }

    @Test
    void booleanValues() {
        assertFalse(Args.parse("x", OPTS, List.of("--force=false")).flag("force"));
        assertThrows(CocoonException.class, () -> Args.parse("x", OPTS, List.of("--force=maybe")));
    }

    @Test
    void unknownFlagAndMissingValue() {
        CocoonException e = assertThrows(CocoonException.class, () -> Args.parse("kill", OPTS, List.of("--nope")));
        assertEquals("kill: flag provided but not defined: -nope", e.getMessage());
        assertThrows(CocoonException.class, () -> Args.parse("x", OPTS, List.of("--bundle")));
    }

    @Test
    void idAndArity() {
        assertThrows(CocoonException.class, () -> Args.parse("state", OPTS, List.of()).id("state"));
        assertThrows(CocoonException.class, () -> Args.parse("state", OPTS, List.of("a", "b")).exactly("state", 1, "<id>"));
    }

    @Test
    void globalOptionsAsEnginesPassThem() {
        // containerd: --root R --log F --log-format json ; podman: --log-format=json --log F ; none at all
        Args c = Args.parse("cocoon", GlobalOptions.OPTS, List.of("--root", "/run/r", "--log", "/l.json", "--log-format", "json",
                "--systemd-cgroup", "create", "--bundle", "b", "id"));
        GlobalOptions g = GlobalOptions.from(c);
        assertEquals("/run/r", g.root().toString());
        assertEquals("json", g.logFormat());
        assertTrue(g.systemdCgroup());
        assertEquals(List.of("create", "--bundle", "b", "id"), c.positional());
        GlobalOptions none = GlobalOptions.from(Args.parse("cocoon", GlobalOptions.OPTS, List.of("start", "id")));
        assertEquals("/run/cocoon", none.root().toString(), "one default root for every command");
        assertThrows(CocoonException.class, () -> GlobalOptions.from(Args.parse("cocoon", GlobalOptions.OPTS,
                List.of("--log-format", "xml", "state", "x"))));
    }
}
