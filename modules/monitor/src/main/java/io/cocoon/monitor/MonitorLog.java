package io.cocoon.monitor;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.tinylog.configuration.Configuration;

/**
 * The monitor's own log ({@code monitor.log} in the state directory), through tinylog. The
 * monitor's stdout and stderr belong to the container, so the JVM's own System.out/err are
 * pointed at the log too: nothing the monitor says can leak into the container's output.
 */
public final class MonitorLog {
    private MonitorLog() {}

    public static void configure(Path file, boolean debug, boolean redirectSystemStreams) {
        Configuration.set("writer", "file");
        Configuration.set("writer.file", file.toString());
        Configuration.set("writer.append", "true");
        Configuration.set("writer.buffered", "false");
        Configuration.set("writer.level", debug ? "debug" : "info");
        Configuration.set("writer.format", "{date:yyyy-MM-dd'T'HH:mm:ss.SSS} {pid} {level}: {message}");
        Configuration.set("autoshutdown", "false");
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
