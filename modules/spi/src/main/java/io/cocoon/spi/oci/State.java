package io.cocoon.spi.oci;

import java.util.Map;

/**
 * The OCI state of a container, exactly the fields runtime-spec defines, as {@code cocoon state}
 * prints them.
 *
 * @param status one of creating, created, running, paused (a runc extension), stopped; the
 *     runtime's rules about them live in core's {@code ContainerStatus}, not here
 * @param pid the monitor's pid while it lives, else 0
 */
public record State(String ociVersion, String id, String status, long pid, String bundle,
                    Map<String, String> annotations) {}
