package io.cocoon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.cli.args.Opt;
import io.cocoon.cli.support.Command;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Man pages and completion come from the command table, so they say what --help says. */
class DocsTest {
    @TempDir Path tmp;

    static String help(Command c) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Main.Help.print(new PrintStream(b, true, StandardCharsets.UTF_8), c);
        return b.toString(StandardCharsets.UTF_8);
    }

    /** The man page's text with roff's escapes and requests taken out, as man renders it. */
    static String plain(String roff) {
        return roff.replace("\\-", "-").replace("\\e", "\\").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")
                .replace("\\&", "");
    }

    @Test
    void everyCommandsManPageSaysWhatItsHelpSays() {
        for (Command c : Docs.listed()) {
            String man = plain(Docs.man(c, "2026-12-01"));
            String help = help(c);
            assertTrue(man.startsWith(".TH COCOON-" + c.name().toUpperCase() + " 8 "), man);
            assertTrue(man.contains("cocoon-" + c.name() + " - " + c.summary()), c.name() + ": the NAME line is the summary");
            // every option line of --help: its names and its text, in the man page's OPTIONS
            for (String line : help.lines().filter(l -> l.startsWith("   -")).toList()) {
                String names = line.strip().split("\\s{2,}")[0].replace(" value", "");
                String text = line.strip().substring(line.strip().indexOf("  ")).strip();
                assertTrue(man.contains(names), c.name() + ": man page lacks " + names);
                assertTrue(man.contains(text), c.name() + ": man page lacks \"" + text + "\"");
            }
            assertEquals(c.options().size(), help.lines().filter(l -> l.startsWith("   -")).count());
            assertEquals(c.options().size(), man.lines().filter(l -> l.equals(".TP")).count());
        }
    }

    @Test
    void theIndexPageListsEveryCommandAndNoInternalOne() {
        String man = plain(Docs.manIndex("2026-12-01"));
        for (Command c : Docs.listed()) assertTrue(man.contains("cocoon-" + c.name() + "(8)"), c.name());
        assertTrue(!man.contains("cocoon-monitor") && !man.contains("cocoon-exec-relay"), "internal commands stay out");
    }

    @Test
    void roffEscapesWhatWouldBeMarkup() {
        assertEquals("\\-\\-root", Docs.roff("--root"));
        assertEquals("\\&.hidden", Docs.roff(".hidden"));
        assertEquals("a\\eb", Docs.roff("a\\b"));
    }

    /** Runs the generated bash completion for a command line and returns its candidates. */
    String complete(Path file, String... words) throws Exception {
        String script = "source " + file + "\nCOMP_WORDS=(" + String.join(" ", words) + ")\nCOMP_CWORD=" + (words.length - 1)
                + "\n_cocoon\necho \"${COMPREPLY[*]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        assertTrue(p.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void bashCompletesCommandsAndEachCommandsFlags() throws Exception {
        Path f = tmp.resolve("cocoon");
        Files.writeString(f, Docs.bash());
        assertEquals("run", complete(f, "cocoon", "ru"));
        assertEquals("delete doctor", complete(f, "cocoon", "d"));
        assertEquals("--debug", complete(f, "cocoon", "--deb"));
        assertEquals("run", complete(f, "cocoon", "--root", "/tmp/x", "ru"), "a global flag's value is not the command");
        Command run = io.cocoon.cli.Commands.get("run");
        String flags = complete(f, "cocoon", "run", "--");
        for (Opt o : run.options()) if (o.name().length() > 1) assertTrue(flags.contains("--" + o.name()), flags);
        assertEquals("--force", complete(f, "cocoon", "delete", "--fo"));
    }

    @Test
    void zshNamesEveryCommand() {
        String z = Docs.zsh();
        assertTrue(z.startsWith("#compdef cocoon\n"));
        for (Command c : Docs.listed()) assertTrue(z.contains("'" + c.name() + ":"), c.name());
        List<String> bad = z.lines().filter(l -> l.contains("\n")).toList();
        assertEquals(List.of(), bad);
    }
}
