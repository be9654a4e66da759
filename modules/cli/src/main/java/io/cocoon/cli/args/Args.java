package io.cocoon.cli.args;

import io.cocoon.spi.CocoonException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed flags and positional arguments of one command. Flags end at the first positional
 * argument or at {@code --}, as with runc: in {@code exec ID sh -c x}, {@code -c} belongs to
 * the command.
 */
public final class Args {
    private final Map<String, List<String>> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    public static Args parse(String command, List<Opt> opts, List<String> argv) {
        Args a = new Args();
        int i = 0;
        while (i < argv.size()) {
            String s = argv.get(i);
            if (s.equals("--")) {
                i++;
                break;
            }
            if (!s.startsWith("-") || s.equals("-")) break;
            String body = s.startsWith("--") ? s.substring(2) : s.substring(1);
            String inline = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                inline = body.substring(eq + 1);
                body = body.substring(0, eq);
            }
            Opt opt = find(opts, body);
            if (opt == null) throw new CocoonException(command + ": flag provided but not defined: -" + body);
            if (opt.value()) {
                String v = inline;
                if (v == null) {
                    if (i + 1 >= argv.size()) throw new CocoonException(command + ": flag needs an argument: -" + body);
                    v = argv.get(++i);
                }
                List<String> l = a.values.computeIfAbsent(opt.name(), k -> new ArrayList<>());
                if (!opt.repeat()) l.clear();
                l.add(v);
            } else {
                String v = inline == null ? "true" : inline;
                if (!v.equals("true") && !v.equals("false")) {
                    throw new CocoonException(command + ": invalid boolean value \"" + v + "\" for -" + body);
                }
                a.values.put(opt.name(), List.of(v));
            }
            i++;
        }
        a.positional.addAll(argv.subList(i, argv.size()));
        return a;
    }

    private static Opt find(List<Opt> opts, String name) {
        for (Opt o : opts) if (o.names().contains(name)) return o;
        return null;
    }

    public boolean flag(String name) {
        List<String> v = values.get(name);
        return v != null && v.get(v.size() - 1).equals("true");
    }

    public String value(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    public String value(String name, String dflt) {
        String v = value(name);
        return v == null ? dflt : v;
    }

    public List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public List<String> positional() {
        return positional;
    }

    /** The container id: the first positional argument, required. */
    public String id(String command) {
        if (positional.isEmpty()) throw new CocoonException(command + ": container id cannot be empty");
        return positional.get(0);
    }

    /** Fails unless exactly {@code n} positional arguments were given. */
    public Args exactly(String command, int n, String usage) {
        if (positional.size() != n) {
            throw new CocoonException(command + ": expected " + n + " argument" + (n == 1 ? "" : "s") + ", got "
                    + positional.size() + " (usage: cocoon " + command + " " + usage + ")");
        }
        return this;
    }
}
