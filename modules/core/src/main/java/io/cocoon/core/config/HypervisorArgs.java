package io.cocoon.core.config;

import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * cc-oci-runtime's {@code hypervisor.args}: one hypervisor argument per line, {@code #}
 * comments, {@code @TAG@} placeholders. A first line that does not start with {@code -} is the
 * hypervisor binary. Lines that expand to nothing are dropped, so optional tags
 * ({@code @NETDEV@}) vanish when unused.
 */
public final class HypervisorArgs {
    /** Every tag cc-oci-runtime defined, plus Cocoon's own. */
    public static final List<String> TAGS = List.of("COMMS_SOCKET", "CONSOLE_DEVICE", "IMAGE", "KERNEL_PARAMS",
            "KERNEL", "NAME", "PROCESS_SOCKET", "SIZE", "UUID", "WORKLOAD_DIR", "AGENT_CTL_SOCKET", "AGENT_TTY_SOCKET",
            "KERNEL_NET_PARAMS", "NETDEV", "NETDEV_PARAMS", "NETDEVICE", "NETDEVICE_PARAMS", "QEMU_PATH", "INITRD",
            "MEMORY", "CPUS", "ACCEL");
    private static final Pattern TAG = Pattern.compile("@([A-Z_]+)@");

    private HypervisorArgs() {}

    public static List<String> read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new CocoonException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static List<String> parse(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String t = l.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            out.add(t);
        }
        return out;
    }

    /**
     * Expands the tags of every line. Unknown tags are an error (a typo would otherwise reach
     * the hypervisor as a literal); a line that becomes empty is dropped.
     */
    public static List<String> expand(List<String> template, Map<String, String> values, Path source) {
        List<String> out = new ArrayList<>();
        for (String line : template) {
            Matcher m = TAG.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String tag = m.group(1);
                if (!TAGS.contains(tag)) throw new CocoonException(source + ": unknown tag @" + tag + "@");
                m.appendReplacement(sb, Matcher.quoteReplacement(values.getOrDefault(tag, "")));
            }
            m.appendTail(sb);
            String s = sb.toString().strip();
            if (!s.isEmpty()) out.add(s);
        }
        return out;
    }
}
