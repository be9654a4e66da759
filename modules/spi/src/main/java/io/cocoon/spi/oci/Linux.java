package io.cocoon.spi.oci;

import java.util.List;
import java.util.Map;

/** The {@code linux} section of a config.json. Absent objects are null, lists/maps empty. */
public record Linux(
        List<Namespace> namespaces,
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings,
        List<Device> devices,
        Resources resources,
        String cgroupsPath,
        Map<String, String> sysctl,
        Seccomp seccomp,
        String rootfsPropagation,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String mountLabel,
        Map<String, Object> intelRdt,
        Map<String, Object> personality) {

    /** {@code type} is one of pid, network, mount, ipc, uts, user, cgroup, time. */
    public record Namespace(String type, String path) {}

    public record IdMapping(long containerID, long hostID, long size) {}

    public record Device(String type, String path, Long major, Long minor, Integer fileMode, Long uid, Long gid) {}

    /** {@code linux.resources}; also the document {@code cocoon update --resources} reads. */
    public record Resources(Memory memory, Cpu cpu, Pids pids, List<DeviceRule> devices,
                            Map<String, Object> blockIO, List<Map<String, Object>> hugepageLimits,
                            Map<String, Object> network, Map<String, String> unified) {
        public static final Resources NONE = new Resources(null, null, null, List.of(), null, List.of(), null, Map.of());
    }

    /** Values in bytes; -1 means unlimited where the spec allows it. */
    public record Memory(Long limit, Long reservation, Long swap, Long kernel, Long kernelTCP,
                         Long swappiness, Boolean disableOOMKiller, Boolean useHierarchy) {}

    public record Cpu(Long shares, Long quota, Long period, Long realtimeRuntime, Long realtimePeriod,
                      String cpus, String mems, Long idle) {}

    public record Pids(long limit) {}

    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    public record Seccomp(String defaultAction, Integer defaultErrnoRet, List<String> architectures,
                          List<String> flags, String listenerPath, String listenerMetadata,
                          List<SyscallRule> syscalls) {}

    public record SyscallRule(List<String> names, String action, Integer errnoRet, List<SyscallArg> args) {}

    /** {@code value}/{@code valueTwo} are unsigned 64-bit values held in a long. */
    public record SyscallArg(int index, long value, long valueTwo, String op) {}
}
