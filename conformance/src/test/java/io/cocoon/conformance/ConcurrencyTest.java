package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 30 {@code cocoon run} at once on this 2-core TCG host: every one succeeds (boots queue for a
 * host boot slot instead of sharing the CPU thirty ways past their deadline), and nothing is
 * left behind (VmTest checks processes; the state root must be empty).
 */
@Timeout(900)
class ConcurrencyTest extends VmTest {
    static final int N = Integer.getInteger("cocoon.parallel", 30);

    @Test
    void thirtyRunsAtOnceAllSucceed() throws Exception {
        Bundle b = bundle("sh", "-c", "echo ran-$(hostname)");
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(N);
        List<Future<Cocoon.Result>> runs = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String id = "par" + i;
            Callable<Cocoon.Result> run = () -> Cocoon.exec(cocoon.command("run", "--bundle", b.dir().toString(), id), b.dir(), null,
                    Duration.ofSeconds(600));
            runs.add(pool.submit(run));
        }
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            Cocoon.Result r = runs.get(i).get();
            if (r.rc() != 0 || !r.out().startsWith("ran-")) failed.add("par" + i + ": " + r);
        }
        pool.shutdown();
        System.out.println(N + " parallel runs in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertEquals(List.of(), failed, N - failed.size() + "/" + N + " succeeded");
        try (var s = java.nio.file.Files.list(cocoon.root())) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList(), "no state left");
        }
    }
}
