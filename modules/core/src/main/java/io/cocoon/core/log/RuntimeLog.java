package io.cocoon.core.log;

import io.cocoon.spi.json.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The log engines read. {@code --log FILE --log-format json} gets runc's logrus lines
 * ({@code {"level":"error","msg":"...","time":"..."}}), which containerd's shim and podman parse
 * on failure; {@code --log-format text} gets logrus text. The last error also goes to stderr as
 * one plain line. {@code --global-log} gets cc-oci-runtime's ASCII lines with the pid.
 *
 * <p>Everything goes through tinylog ({@code org.tinylog.Logger}, tagged {@value
 * CocoonWriter#RUNTIME_TAG}); tinylog's one writer, {@link CocoonWriter}, hands each entry back
 * to the installed RuntimeLog's {@link #accept}, which writes the formats above. tinylog starts
 * only when something is logged, so the fast commands that log nothing never load it.
 */
public final class RuntimeLog {
    public enum Level { DEBUG, INFO, WARNING, ERROR }

    private static volatile RuntimeLog current = new RuntimeLog(null, false, null, false, "cocoon");

    private final Path logFile;
    private final boolean json;
    private final Path globalLog;
    private final boolean debug;
    private final String command;
    private final List<String> lines = new ArrayList<>();

    public RuntimeLog(Path logFile, boolean json, Path globalLog, boolean debug, String command) {
        this.logFile = logFile;
        this.json = json;
        this.globalLog = globalLog;
        this.debug = debug;
        this.command = command;
    }

    public static RuntimeLog get() {
        return current;
    }

    public static void install(RuntimeLog log) {
        current = log;
    }

    public boolean debugEnabled() {
        return debug;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean json() {
        return json;
    }

    public Path globalLog() {
        return globalLog;
    }

    /** tinylog's logger for everything said through RuntimeLog (created on first use). */
    private static final class Tagged {
        static final org.tinylog.TaggedLogger LOG = org.tinylog.Logger.tag(CocoonWriter.RUNTIME_TAG);
    }

    public void debug(String msg) {
        if (debug) Tagged.LOG.debug(msg);
    }

    public void info(String msg) {
        Tagged.LOG.info(msg);
    }

    public void warn(String msg) {
        Tagged.LOG.warn(msg);
    }

    /** An error: the log file (if any), the global log, and one plain line on stderr. */
    public void error(String msg, PrintStream stderr) {
        Tagged.LOG.error(msg);
        stderr.println(msg);
        stderr.flush();
    }

    /** Called by {@link CocoonWriter} for each entry meant for the runtime's logs. */
    void accept(Level level, String msg) {
        switch (level) {
            case DEBUG -> {
                if (debug) write(Level.DEBUG, msg);
            }
            case WARNING -> warning(msg);
            default -> write(level, msg);
        }
    }

    /**
     * A warning never goes to stderr (it may be the container's own stderr), and reaches the
     * {@code --log} file only with {@code --debug}: podman reads that file as one JSON object on
     * failure, so a warning line there would hide the error. The global log always gets it.
     */
    private void warning(String msg) {
        if (debug) {
            write(Level.WARNING, msg);
            return;
        }
        synchronized (lines) {
            lines.add("warning: " + msg);
        }
        if (globalLog != null) append(globalLog, global(Level.WARNING, msg));
    }

    private void write(Level level, String msg) {
        String line = level.name().toLowerCase() + ": " + msg;
        synchronized (lines) {
            lines.add(line);
        }
        if (logFile != null) {
            append(logFile, format(level, msg));
        } else if (debug && level != Level.ERROR) {
            System.err.println(format(level, msg).stripTrailing());
        }
        if (globalLog != null) append(globalLog, global(level, msg));
    }

    String format(Level level, String msg) {
        String lvl = level == Level.WARNING ? "warning" : level.name().toLowerCase();
        String time = Instant.now().toString();
        if (json) {
            StringBuilder sb = new StringBuilder("{\"level\":\"").append(lvl).append("\",\"msg\":");
            Json.quote(sb, msg);
            return sb.append(",\"time\":\"").append(time).append("\"}\n").toString();
        }
        StringBuilder sb = new StringBuilder("time=\"").append(time).append("\" level=").append(lvl).append(" msg=");
        Json.quote(sb, msg);
        return sb.append('\n').toString();
    }

    /** cc-oci-runtime's global log: {@code time:pid:command:level:message}, ASCII only. */
    String global(Level level, String msg) {
        String s = Instant.now() + ":" + ProcessHandle.current().pid() + ":" + command + ":"
                + level.name().toLowerCase() + ":" + msg;
        StringBuilder sb = new StringBuilder(s.length() + 1);
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) sb.append(c);
            else if (c == '\n') sb.append("\\n");
            else sb.append(String.format("\\u%04x", (int) c));
        }
        return sb.append('\n').toString();
    }

    private static void append(Path file, String text) {
        CocoonWriter.append(file, text);
    }

    /** What was logged by this process, for tests. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
