package io.cocoon.core.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import org.tinylog.core.LogEntry;
import org.tinylog.core.LogEntryValue;
import org.tinylog.writers.Writer;

/**
 * Cocoon's one tinylog writer ({@code writer = cocoon} in tinylog.properties). tinylog is
 * configured once per JVM and then frozen, but one JVM may be a CLI call and then the monitor
 * ({@code run}), or run many CLI calls (tests, the AOT training run); so this writer does not
 * write anywhere itself: it hands each entry to the sinks currently installed.
 *
 * <ul>
 *   <li>Entries tagged {@value #RUNTIME_TAG} (everything said through {@link RuntimeLog}) go to the
 *       installed {@link RuntimeLog}, which applies runc's rules (logrus lines, what reaches the
 *       engine's --log file, the global log).
 *   <li>Untagged entries (the monitor's own {@code Logger} calls) go to the monitor's file when
 *       one is installed ({@link #monitorFile}), else to the RuntimeLog like tagged ones.
 * </ul>
 */
public final class CocoonWriter implements Writer {
    public static final String RUNTIME_TAG = "runtime";
    private static final DateTimeFormatter MONITOR_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    private static volatile MonitorFile monitor;

    /** The monitor's own log: a file, the minimum level, and the pid for each line. */
    record MonitorFile(Path file, boolean debug) {}

    /** tinylog creates writers with their properties. */
    public CocoonWriter(Map<String, String> properties) {
        // nothing to configure: the sinks are installed at run time
    }

    /** The monitor's {@code monitor.log}; its own Logger calls go there from now on. */
    public static void monitorFile(Path file, boolean debug) {
        monitor = new MonitorFile(file, debug);
    }

    @Override
    public Collection<LogEntryValue> getRequiredLogEntryValues() {
        return EnumSet.of(LogEntryValue.LEVEL, LogEntryValue.MESSAGE, LogEntryValue.EXCEPTION);
    }

    @Override
    public void write(LogEntry e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (e.getException() != null) msg = msg + (msg.isEmpty() ? "" : ": ") + trace(e.getException());
        RuntimeLog.Level level = switch (e.getLevel()) {
            case ERROR -> RuntimeLog.Level.ERROR;
            case WARN -> RuntimeLog.Level.WARNING;
            case INFO -> RuntimeLog.Level.INFO;
            default -> RuntimeLog.Level.DEBUG;
        };
        MonitorFile m = monitor;
        if (m != null && (level != RuntimeLog.Level.DEBUG || m.debug())) {
            append(m.file(), LocalDateTime.now().format(MONITOR_TIME) + " " + ProcessHandle.current().pid() + " "
                    + e.getLevel() + ": " + msg + "\n");
        }
        if (RUNTIME_TAG.equals(e.getTag()) || m == null) RuntimeLog.get().accept(level, msg);
    }

    static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().stripTrailing();
    }

    /** O_APPEND keeps concurrent writers' lines whole, as runc's O_APPEND|O_SYNC log does. */
    static void append(Path file, String text) {
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // a log we cannot write must not turn success into failure
        }
    }

    @Override
    public void flush() {
        // every line is written through at once
    }

    @Override
    public void close() {
        // nothing held open
    }
}
