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

    static final Path NSENTER = Path.of("/usr/bin/nsenter");

    /**
     * @param netns the container's network namespace (the engine's, or one a network driver made):
     *     the monitor and the hypervisor run in it, where the taps are; null for a new, empty one
     */
    static List<String> monitorPrefix(Path netns) {
        if (!Files.isExecutable(UNSHARE)) {
            throw new CocoonException("unshare(1) not found at " + UNSHARE + ": install util-linux");
        }
        List<String> p = new java.util.ArrayList<>();
        if (netns != null) {
            if (!Files.isExecutable(NSENTER)) throw new CocoonException("nsenter(1) not found at " + NSENTER + ": install util-linux");
            p.addAll(List.of(NSENTER.toString(), "--net=" + netns, "--"));
        }
        p.addAll(List.of(UNSHARE.toString(), "--mount", "--uts", "--ipc", "--propagation", "private"));
        if (netns == null) p.add("--net");
        p.add("--");
        return p;
    }
}
