package io.cocoon.core.container;

import io.cocoon.spi.CocoonException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The namespaces a monitor (and the hypervisor it starts) runs in: a mount namespace of its own
 * with private propagation (its share binds never reach the host, and vanish with it), and new
 * UTS and IPC namespaces. util-linux's {@code unshare} execs the next program in them, so the
 * pid {@code create} follows is the monitor's own. Why not unshare(2) in Java: a mount
 * namespace can only be unshared by a single-threaded process, and a JVM never is.
 */
final class Namespaces {
    static final Path UNSHARE = Path.of("/usr/bin/unshare");

    private Namespaces() {}

    static List<String> monitorPrefix() {
        if (!Files.isExecutable(UNSHARE)) {
            throw new CocoonException("unshare(1) not found at " + UNSHARE + ": install util-linux");
        }
        return List.of(UNSHARE.toString(), "--mount", "--uts", "--ipc", "--propagation", "private", "--");
    }
}
