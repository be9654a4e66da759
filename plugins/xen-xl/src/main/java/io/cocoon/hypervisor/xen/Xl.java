package io.cocoon.hypervisor.xen;

import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code xl} command line, and nothing else of Xen: every call has a deadline, and a failing
 * call becomes one line that quotes xl's own last message.
 */
final class Xl {
    static final Duration DEADLINE = Duration.ofSeconds(30);
    private final Path xl;

    Xl(Path xl) {
        this.xl = xl;
    }

    Path path() {
        return xl;
    }

    record Result(int rc, String out) {}

    /** Runs {@code xl args...}, returns its output; a non-zero exit is an error naming the call. */
    String run(String... args) {
        Result r = tryRun(args);
        if (r.rc() != 0) throw new CocoonException("xen-xl: xl " + args[0] + " failed: " + lastLine(r.out(), r.rc()));
        return r.out();
    }

    Result tryRun(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(xl.toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new CocoonException("xen-xl: xl " + args[0] + " did not finish within " + DEADLINE.toSeconds() + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CocoonException("xen-xl: cannot run " + xl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException("xen-xl: interrupted while running xl " + args[0]);
        }
    }

    /** xl's own message: its last non-empty line (libxl prints the cause last). */
    static String lastLine(String out, int rc) {
        String last = out.lines().map(String::strip).filter(s -> !s.isEmpty()).reduce((a, b) -> b).orElse("");
        return last.isEmpty() ? "exit status " + rc : last;
    }
}
