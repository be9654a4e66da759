package io.cocoon.core.state;

import io.cocoon.spi.CocoonException;
import java.util.regex.Pattern;

/**
 * Container ids as runc accepts them: letters, digits, {@code _ + - .}, so an id is always a
 * single, harmless directory name; and, stricter than runc, never starting with {@code .} (the
 * state root's own entries) or {@code -} (a flag to any program it is handed to). The length
 * limit is NAME_MAX, since the id names the state directory.
 */
public final class ContainerId {
    public static final int MAX_LENGTH = 255;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_+.-]+");

    private ContainerId() {}

    public static String validate(String id) {
        if (id == null || id.isEmpty()) throw new CocoonException("container id cannot be empty");
        if (id.length() > MAX_LENGTH) {
            throw new CocoonException("invalid container id: longer than " + MAX_LENGTH + " characters");
        }
        if (!VALID.matcher(id).matches()) {
            throw new CocoonException("invalid container id \"" + printable(id) + "\": use letters, digits, _ + - . only");
        }
        // The root's own entries (.lock, .s, .trash-*) start with a dot, and an id starting with
        // a dash would read as a flag to every program it is passed to (the monitor, setsid).
        if (id.startsWith(".") || id.startsWith("-")) {
            throw new CocoonException("invalid container id \"" + printable(id) + "\": must not start with '.' or '-'");
        }
        return id;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
            if (sb.length() > 80) return sb.append("...").toString();
        }
        return sb.toString();
    }
}
