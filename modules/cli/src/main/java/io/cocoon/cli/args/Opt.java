package io.cocoon.cli.args;

import java.util.List;

/**
 * One command-line flag. Like Go's flag package (which runc's CLI uses), a flag may be written
 * with one or two dashes, and a value as {@code --flag value} or {@code --flag=value}; a
 * boolean accepts {@code --flag=false}.
 *
 * @param names long and short names without dashes ({@code "force", "f"})
 * @param value whether it takes a value
 * @param repeat whether it may be given more than once (values accumulate)
 */
public record Opt(List<String> names, boolean value, boolean repeat, String help) {
    public static Opt bool(String help, String... names) {
        return new Opt(List.of(names), false, false, help);
    }

    public static Opt value(String help, String... names) {
        return new Opt(List.of(names), true, false, help);
    }

    public static Opt repeated(String help, String... names) {
        return new Opt(List.of(names), true, true, help);
    }

    public String name() {
        return names.get(0);
    }
}
