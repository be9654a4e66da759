package io.cocoon.core.model;

/**
 * The container's resource use from its cgroup in the guest (what runc's {@code events --stats}
 * reports from the host cgroup), plus the VM's own memory figures.
 *
 * @param vmMemoryTotal guest RAM as the guest kernel sees it (MemTotal)
 * @param vmMemoryAvailable MemAvailable in the guest
 * @param oomKills processes of the container the guest's OOM killer took so far
 */
public record GuestStats(long cpuTotalNs, long cpuUserNs, long cpuSystemNs, long memoryUsage, long memoryLimit,
                         long memoryCache, long pids, long vmMemoryTotal, long vmMemoryAvailable, long oomKills) {}
