package io.cocoon.spi.oci;

import java.util.Map;

/**
 * The OCI state of a container, exactly the fields runtime-spec defines, as {@code cocoon state}
 * prints them.
 *
 * @param status one of creating, created, running, paused (a runc extension), stopped
 * @param pid the monitor's pid while it lives, else 0
 */
public record State(String ociVersion, String id, String status, long pid, String bundle,
                    Map<String, String> annotations) {
    public static final String CREATING = "creating";
    public static final String CREATED = "created";
    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String STOPPED = "stopped";
}
