package io.cocoon.spi;

import java.util.List;

/** What every hypervisor, network and storage driver has in common. */
public interface Driver {
    /** The short name users select it by ({@code qemu-lite}, {@code cni-bridge}, ...). */
    String name();

    /** One line for {@code cocoon plugins}. */
    default String description() {
        return name();
    }

    /**
     * Checks the host for {@code cocoon doctor}: one line each, OK/WARN/FAIL. Must not take
     * long (a few seconds at most) and must not change anything.
     */
    default List<HostCheck> check() {
        return List.of();
    }
}
