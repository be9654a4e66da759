package io.cocoon.core.state;

import io.cocoon.spi.json.Json;
import io.cocoon.spi.json.JsonValues;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code state.json} holds for one container: the OCI state plus what Cocoon needs to find
 * and clean up the VM later from an unrelated process.
 *
 * @param pid the monitor's pid (0 before it runs); the OCI state's {@code pid}
 * @param pidStart the monitor's start time (/proc stat field 22), to detect pid reuse
 * @param created RFC 3339 creation time
 * @param vmPid the hypervisor process, for cleanup after a monitor crash
 * @param exitStatus the container's exit status once known, else null
 */
public record ContainerRecord(
        String ociVersion,
        String id,
        ContainerStatus status,
        long pid,
        long pidStart,
        String bundle,
        String rootfs,
        String created,
        String owner,
        Map<String, String> annotations,
        String hypervisor,
        long vmPid,
        long vmPidStart,
        String kernel,
        String initrd,
        String image,
        String accel,
        Integer exitStatus) {

    public ContainerRecord withStatus(ContainerStatus s) {
        return new ContainerRecord(ociVersion, id, s, pid, pidStart, bundle, rootfs, created, owner, annotations,
                hypervisor, vmPid, vmPidStart, kernel, initrd, image, accel, exitStatus);
    }

    public ContainerRecord withMonitor(long p, long start) {
        return new ContainerRecord(ociVersion, id, status, p, start, bundle, rootfs, created, owner, annotations,
                hypervisor, vmPid, vmPidStart, kernel, initrd, image, accel, exitStatus);
    }

    public ContainerRecord withVm(String hv, long p, long start, String kern, String rd, String acc) {
        return new ContainerRecord(ociVersion, id, status, pid, pidStart, bundle, rootfs, created, owner, annotations,
                hv, p, start, kern, rd, image, acc, exitStatus);
    }

    public ContainerRecord withExit(ContainerStatus s, Integer exit) {
        return new ContainerRecord(ociVersion, id, s, pid, pidStart, bundle, rootfs, created, owner, annotations,
                hypervisor, vmPid, vmPidStart, kernel, initrd, image, accel, exit);
    }

    /**
     * The container's state as JSON, the one place it is built: the OCI state (what hooks get
     * on stdin) and, with {@code runcFields}, runc's {@code state} output, which adds rootfs,
     * created and owner. {@code effective} is the reported status (see
     * {@link ContainerStatus#effective}); the pid is 0 once stopped, as runc reports it.
     */
    public Map<String, Object> stateJson(ContainerStatus effective, boolean runcFields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", ociVersion);
        m.put("id", id);
        m.put("pid", effective.reportedPid(pid));
        m.put("status", effective.oci());
        m.put("bundle", bundle);
        if (runcFields) {
            m.put("rootfs", rootfs);
            m.put("created", created);
        }
        if (!annotations.isEmpty()) m.put("annotations", annotations);
        if (runcFields) m.put("owner", owner);
        return m;
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", ociVersion);
        m.put("id", id);
        m.put("status", status.oci());
        m.put("pid", pid);
        m.put("pidStart", pidStart);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        m.put("owner", owner);
        m.put("annotations", annotations);
        m.put("hypervisor", hypervisor);
        m.put("vmPid", vmPid);
        m.put("vmPidStart", vmPidStart);
        m.put("kernel", kernel);
        m.put("initrd", initrd);
        m.put("image", image);
        m.put("accel", accel);
        if (exitStatus != null) m.put("exitStatus", (long) exitStatus);
        return Json.pretty(m) + "\n";
    }

    public static ContainerRecord fromJson(String text) {
        Map<String, Object> m = Json.parseObject(text);
        Map<String, String> ann = new LinkedHashMap<>();
        JsonValues.map(m, "annotations").forEach((k, v) -> ann.put(k, String.valueOf(v)));
        return new ContainerRecord(
                JsonValues.string(m, "ociVersion").orElse(""),
                JsonValues.string(m, "id").orElse(""),
                ContainerStatus.of(JsonValues.string(m, "status").orElse("")),
                JsonValues.number(m, "pid").orElse(0L),
                JsonValues.number(m, "pidStart").orElse(0L),
                JsonValues.string(m, "bundle").orElse(""),
                JsonValues.string(m, "rootfs").orElse(""),
                JsonValues.string(m, "created").orElse(""),
                JsonValues.string(m, "owner").orElse(""),
                ann,
                JsonValues.string(m, "hypervisor").orElse(""),
                JsonValues.number(m, "vmPid").orElse(0L),
                JsonValues.number(m, "vmPidStart").orElse(0L),
                JsonValues.string(m, "kernel").orElse(""),
                JsonValues.string(m, "initrd").orElse(""),
                JsonValues.string(m, "image").orElse(""),
                JsonValues.string(m, "accel").orElse(""),
                JsonValues.number(m, "exitStatus").map(Long::intValue).orElse(null));
    }
}
