package io.cocoon.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Status comparisons exist only inside {@code io.cocoon.core.state.ContainerStatus}: anywhere
 * else a status is asked ({@code requireStart()}, {@code isStopped()}, {@code next(...)}), never
 * compared. ArchUnit sees field reads but not comparisons, so this reads the sources: a
 * comparison with a status constant, a switch over a status, or a status name as a string
 * literal outside ContainerStatus fails the build.
 */
class StatusRulesTest {
    static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    static final Pattern[] FORBIDDEN = {
        Pattern.compile("[=!]=\\s*ContainerStatus\\.[A-Z]+"),
        Pattern.compile("ContainerStatus\\.[A-Z]+\\s*[=!]="),
        Pattern.compile("ContainerStatus\\.[A-Z]+\\s*\\.equals"),
        Pattern.compile("\\.equals\\(\\s*ContainerStatus\\.[A-Z]+"),
        Pattern.compile("switch\\s*\\([^)]*[sS]tatus\\(?\\)?\\s*\\)"),
        Pattern.compile("\\bcase\\s+(CREATING|CREATED|RUNNING|PAUSED|STOPPED)\\s*(->|:)"),
        Pattern.compile("\"(creating|created|running|paused|stopped)\"\\s*\\.equals|\\.equals\\(\\s*\"(creating|created|running|paused|stopped)\"\\s*\\)"),
    };

    static List<String> violations(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/target/") && !p.getFileName().toString().equals("ContainerStatus.java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    for (Pattern p : FORBIDDEN) {
                        if (p.matcher(lines.get(i)).find()) out.add(REPO.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void statusComparisonsLiveOnlyInContainerStatus() throws IOException {
        assertTrue(Files.isDirectory(REPO.resolve("modules")), REPO.toString());
        assertEquals(List.of(), violations(REPO), "compare statuses only inside ContainerStatus (ask it: requireX(), isX())");
    }

    @Test
    void theCheckWouldCatchAComparison(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("x/src/main/java/X.java");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "class X { boolean b(S s) { return s.status() == ContainerStatus.RUNNING; } }\n"
                + "class Y { void c(S s) { switch (s.status()) { case STOPPED -> {} default -> {} } } }\n");
        assertEquals(3, violations(tmp).size(), violations(tmp).toString());
    }
}
