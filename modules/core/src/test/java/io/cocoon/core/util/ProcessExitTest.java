package io.cocoon.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process with a thread blocked in native code: the JVM's own exit waits 300 ms at least for
 * it, {@link ProcessExit} armed does not. Both exit with the status given.
 */
class ProcessExitTest {
    /** The child: a thread blocked in read(2) on stdin, then ProcessExit.now(7). */
    public static final class Child {
        public static void main(String[] a) throws Exception {
            Thread t = new Thread(() -> {
                try {
                    System.in.read();
                } catch (java.io.IOException ignored) {
                    // exiting anyway
                }
            });
            t.setDaemon(true);
            t.start();
            Thread.sleep(200); // it is in read(2) by now
            if (!a[0].equals("plain")) ProcessExit.mayBlockInNative();
            System.out.println("exiting");
            System.out.flush();
            ProcessExit.now(7);
        }
    }

    /** Milliseconds from the child's last line to its exit. */
    private static long exitAfterLastLine(String mode) throws Exception {
        String cp = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + Path.of("target/test-classes").toAbsolutePath();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dcocoon.aot.training=" + mode.equals("training"), "-cp", cp,
                Child.class.getName(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start(); // stdin stays open: the reader blocks
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("exiting", out.readLine());
            long t0 = System.nanoTime();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not exit");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(7, p.exitValue());
            return ms;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void armedItExitsWithoutTheJvmsWaitForNativeThreads() throws Exception {
        long jvm = exitAfterLastLine("plain");
        assertTrue(jvm >= 290, "the JVM's exit waits for the thread in read(2): " + jvm + " ms");
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3 && best >= 250; i++) best = Math.min(best, exitAfterLastLine("armed"));
        assertTrue(best < 250, "_exit does not wait: best of 3 was " + best + " ms (the JVM's own: " + jvm + " ms)");
    }

    /** An AOT training run's JVM writes its cache in the JVM's exit: armed, it still ends through it. */
    @Test
    void aJvmRecordingAnAotCacheEndsThroughTheJvmsExit() throws Exception {
        long ms = exitAfterLastLine("training");
        assertTrue(ms >= 290, "it went through the JVM's exit, which waits for the thread in read(2): " + ms + " ms");
    }
}
