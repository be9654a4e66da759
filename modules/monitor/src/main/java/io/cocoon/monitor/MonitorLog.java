package io.cocoon.monitor;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import io.cocoon.core.log.CocoonWriter;
import java.nio.file.Path;

/**
 * The monitor's own log ({@code monitor.log} in the state directory), through tinylog and
 * Cocoon's one writer ({@link CocoonWriter}), which sends the monitor's own entries there. The
 * monitor's stdout and stderr belong to the container, so the JVM's own System.out/err are
 * pointed at the log too: nothing the monitor says can leak into the container's output.
 */
public final class MonitorLog {
    private MonitorLog() {}

    public static void configure(Path file, boolean debug, boolean redirectSystemStreams) {
        CocoonWriter.monitorFile(file, debug);
        if (redirectSystemStreams) {
            try {
                PrintStream log = new PrintStream(new FileOutputStream(file.toFile(), true), true);
                System.setOut(log);
                System.setErr(log);
            } catch (IOException e) {
                // keep the inherited streams; tinylog still writes the file
            }
        }
    }
}
