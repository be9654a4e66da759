package io.cocoon.core.log;

import io.cocoon.spi.json.Json;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * <p>Deliberately free of logging frameworks: it is on the path of every command.
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

    public void debug(String msg) {
        if (debug) write(Level.DEBUG, msg);
    }

    public void info(String msg) {
        write(Level.INFO, msg);
    }

    /**
     * A warning never goes to stderr (it may be the container's own stderr), and reaches the
     * {@code --log} file only with {@code --debug}: podman reads that file as one JSON object on
     * failure, so a warning line there would hide the error. The global log always gets it.
     */
    public void warn(String msg) {
        if (debug) {
            write(Level.WARNING, msg);
            return;
        }
        synchronized (lines) {
            lines.add("warning: " + msg);
        }
        if (globalLog != null) append(globalLog, global(Level.WARNING, msg));
    }

    /** An error: the log file (if any), the global log, and one plain line on stderr. */
    public void error(String msg, PrintStream stderr) {
        write(Level.ERROR, msg);
        stderr.println(msg);
        stderr.flush();
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
        // O_APPEND keeps concurrent writers' lines whole, as runc's O_APPEND|O_SYNC log does.
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // a log we cannot write must not turn success into failure
        }
    }

    /** What was logged by this process, for tests. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
