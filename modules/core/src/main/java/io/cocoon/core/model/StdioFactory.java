package io.cocoon.core.model;

/**
 * Opens the host side of a process's stdio once it is known whether the process has a terminal
 * (a {@code --process} file decides that only when read).
 */
@FunctionalInterface
public interface StdioFactory {
    Stdio open(boolean terminal);
}
