package io.cocoon.core.container;

import io.cocoon.core.model.ResourceUpdate;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.state.ContainerError;
import io.cocoon.spi.oci.Linux;

/**
 * runc's {@code update --resources FILE}: a {@code linux.resources} object. Fields that cannot
 * change in a running VM (cpuset, realtime, blkio, hugetlb) are refused in one line.
 */
public final class ResourceFile {
    private ResourceFile() {}

    public static ResourceUpdate parse(byte[] json, String source) {
        Linux.Resources r = SpecParser.resources(SpecParser.tree(json, source), "");
        ResourceUpdate u = ResourceUpdate.NONE;
        if (r.memory() != null) u = u.withMemory(r.memory().limit());
        if (r.pids() != null) u = u.withPids(r.pids().limit());
        if (r.cpu() != null) {
            if (r.cpu().cpus() != null && !r.cpu().cpus().isEmpty()) throw refuse("cpu.cpus (cpuset)");
            if (r.cpu().mems() != null && !r.cpu().mems().isEmpty()) throw refuse("cpu.mems (cpuset)");
            if (r.cpu().realtimeRuntime() != null && r.cpu().realtimeRuntime() != 0) throw refuse("cpu.realtimeRuntime");
            u = u.withCpuQuota(r.cpu().quota()).withCpuPeriod(r.cpu().period()).withCpuShares(r.cpu().shares());
        }
        if (r.blockIO() != null && !r.blockIO().isEmpty()) throw refuse("blockIO");
        if (!r.hugepageLimits().isEmpty()) throw refuse("hugepageLimits");
        return u;
    }

    /** The one line for a limit a VM cannot change while it runs. */
    public static ContainerError refuse(String what) {
        return ContainerError.unsupported("update: " + what + " cannot be changed for a container in a VM");
    }
}
