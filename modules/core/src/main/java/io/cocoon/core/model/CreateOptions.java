package io.cocoon.core.model;

import java.nio.file.Path;

/**
 * A {@code create} (or {@code run}) request.
 *
 * @param consoleSocket runc's {@code --console-socket}, or null
 * @param pidFile where to write the container's pid, or null
 * @param detached the caller will not stay attached ({@code create}, {@code run -d}): a terminal
 *     then needs a console socket
 */
public record CreateOptions(String id, Path bundle, String consoleSocket, Path pidFile, boolean detached) {}
