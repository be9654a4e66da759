/**
 * The per-container monitor: boots the VM through a hypervisor driver, prepares the container
 * through the agent, relays stdio (pipes or a pty handed over a console socket), serves the
 * control socket, and exits with the container's exit status. Native calls (pty, SCM_RIGHTS,
 * setsid, termios, mounts) go through the JDK's foreign-function API and are confined to
 * {@code io.cocoon.monitor.posix}.
 */
module io.cocoon.monitor {
    requires transitive io.cocoon.core;
    requires org.tinylog.api;
    requires jdk.unsupported;

    exports io.cocoon.monitor;
    exports io.cocoon.monitor.posix;
}
