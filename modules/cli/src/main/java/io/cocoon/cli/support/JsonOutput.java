package io.cocoon.cli.support;

import io.cocoon.spi.json.Json;
import java.io.PrintStream;

/**
 * The one JSON output style of every command, runc's: a document ({@code state}, {@code spec},
 * {@code features}, {@code doctor --format json}) indented by two spaces as Go's
 * {@code json.MarshalIndent} prints it; a record stream ({@code list --format json},
 * {@code ps --format json}, {@code events}) one compact object per line. Always the SPI's small
 * writer: deterministic key order, no reflection, nothing to load on the fast path.
 */
public final class JsonOutput {
    private JsonOutput() {}

    public static void document(PrintStream out, Object value) {
        out.println(Json.pretty(value));
    }

    public static String document(Object value) {
        return Json.pretty(value);
    }

    public static void line(PrintStream out, Object value) {
        out.println(Json.write(value));
        out.flush();
    }
}
