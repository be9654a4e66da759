package io.cocoon.core.state;

import io.cocoon.spi.CocoonException;
import java.util.regex.Pattern;

/**
 * Container ids as runc accepts them: letters, digits, {@code _ + - .}, not {@code .} or
 * {@code ..}, so an id is always a single, harmless directory name. The length limit is
 * NAME_MAX, since the id names the state directory.
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
        if (id.equals(".") || id.equals("..") || !VALID.matcher(id).matches()) {
            throw new CocoonException("invalid container id \"" + printable(id) + "\": use letters, digits, _ + - . only");
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
