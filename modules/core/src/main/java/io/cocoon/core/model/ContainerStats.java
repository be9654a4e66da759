package io.cocoon.core.model;

import java.util.Map;

/**
 * One {@code events} sample: the container's cgroup in the guest, and the hypervisor's own
 * figures (qemu-lite: QMP status; may be empty).
 */
public record ContainerStats(GuestStats guest, Map<String, Object> hypervisor) {}
