package io.cocoon.spi;

import java.nio.file.Path;

/**
 * A bind mount the runtime makes on the host, inside the container's share directory, before
 * the hypervisor starts: how each bind source (and the rootfs) reaches the guest through one
 * shared-directory device. Core makes it in the monitor's own mount namespace, so it is
 * invisible to the host's other mount namespaces and disappears with the monitor and the
 * hypervisor, even after {@code kill -9}; storage drivers only describe it.
 *
 * @param source the host file or directory (a bind mount's {@code source}, the rootfs)
 * @param target where it appears, below the share directory the driver exports
 * @param readonly made read-only on the host side too, so the hypervisor (root on the host)
 *     cannot write through it on the guest's behalf
 * @param recursive {@code rbind}: submounts of the source come along
 */
@Stable(since = "1.2")
public record HostBind(Path source, Path target, boolean readonly, boolean recursive) {}
