package io.cocoon.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What to boot. Built by core from the {@link SandboxPlan}, the storage plan and the network
 * setup; the hypervisor driver turns it into a command line (or expands {@link #template()}).
 *
 * @param stateDir the container's state directory; drivers keep their sockets and pid files here
 * @param hypervisorPath explicit binary, or null to let the driver choose
 * @param template cc-oci-runtime {@code hypervisor.args} lines, or empty
 * @param agentSocket where the driver must expose the agent channel as a unix socket
 * @param consoleLog where the guest serial console goes
 * @param hypervisorLog where the hypervisor's own stdout/stderr goes
 * @param accelerator {@code auto}, {@code kvm} or {@code tcg}
 * @param workloadDir the container rootfs on the host (cc-oci-runtime's {@code @WORKLOAD_DIR@})
 * @param netns the network namespace the hypervisor must run in (where the taps are), or null
 */
@Stable(since = "1.0")
public record VmPlan(
        String id,
        String uuid,
        Path stateDir,
        int vcpus,
        long memoryMiB,
        Path kernel,
        Path initrd,
        List<String> kernelParams,
        Path hypervisorPath,
        List<String> hypervisorParams,
        List<String> template,
        List<VmDevice> devices,
        Path agentSocket,
        Path consoleLog,
        Path hypervisorLog,
        String accelerator,
        Path workloadDir,
        Duration bootTimeout,
        Map<String, String> annotations,
        Path netns) {

    /** Without a network namespace (SPI 1.2's shape). */
    public VmPlan(String id, String uuid, Path stateDir, int vcpus, long memoryMiB, Path kernel, Path initrd,
                  List<String> kernelParams, Path hypervisorPath, List<String> hypervisorParams, List<String> template,
                  List<VmDevice> devices, Path agentSocket, Path consoleLog, Path hypervisorLog, String accelerator,
                  Path workloadDir, Duration bootTimeout, Map<String, String> annotations) {
        this(id, uuid, stateDir, vcpus, memoryMiB, kernel, initrd, kernelParams, hypervisorPath, hypervisorParams, template,
                devices, agentSocket, consoleLog, hypervisorLog, accelerator, workloadDir, bootTimeout, annotations, null);
    }
}
