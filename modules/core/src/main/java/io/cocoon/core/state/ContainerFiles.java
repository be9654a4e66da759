package io.cocoon.core.state;

/** Names of the files in a container's state directory. */
public final class ContainerFiles {
    private ContainerFiles() {}

    /** The OCI + Cocoon state, written atomically. */
    public static final String STATE = "state.json";
    /** A copy of the bundle's config.json, so delete can run poststop hooks after the bundle is gone. */
    public static final String CONFIG = "config.json";
    /** What the monitor needs to boot the VM (written by create). */
    public static final String LAUNCH = "launch.json";
    /** Drivers holding host resources (VM, taps, mounts) until the monitor releases them. */
    public static final String RESOURCES = "resources.json";
    /** The monitor's last fatal error, one line, for create to report. */
    public static final String ERROR = "error";
    public static final String MONITOR_LOG = "monitor.log";
    public static final String CONSOLE_LOG = "console.log";
    public static final String HYPERVISOR_LOG = "hypervisor.log";
    /** How the VM came up: {@code template <mode> <key>} when cloned from a VM template; absent after a cold boot. */
    public static final String BOOT = "boot";
    /** {@code restore}: the checkpoint directory the monitor restores the VM from instead of booting one. */
    public static final String RESTORE_FROM = "restore-from";
    /** Host cgroup directories the monitor created, one per line, removed at delete. */
    public static final String CGROUPS = "cgroups";
}
