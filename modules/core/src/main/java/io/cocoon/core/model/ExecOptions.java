package io.cocoon.core.model;

import java.nio.file.Path;
import java.util.List;

/**
 * An {@code exec} as runc takes it: either a {@code --process} file, or the container's own
 * process with the command-line overrides. Null or empty fields keep the container's value.
 *
 * @param processFile runc's {@code --process} JSON, or null
 * @param args the command (after the container id); with a process file, replaces its args if given
 * @param user {@code uid[:gid]}, or null
 */
public record ExecOptions(Path processFile, List<String> args, List<String> env, boolean tty, String cwd, String user,
                          List<String> additionalGids, List<String> capabilities, boolean noNewPrivileges,
                          boolean ignorePaused) {}
