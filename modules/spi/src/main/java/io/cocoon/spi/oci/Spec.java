package io.cocoon.spi.oci;

import java.util.List;
import java.util.Map;

/**
 * An OCI runtime-spec {@code config.json} (1.0.x to 1.3.x), as Cocoon reads it.
 *
 * <p>Absent objects are {@code null}, absent lists and maps are empty. Unknown fields
 * are kept only in {@link #raw()} so that plugin spec handlers can read extensions.
 *
 * @param raw the whole document as generic JSON values ({@link io.cocoon.spi.json.Json})
 */
public record Spec(
        String ociVersion,
        Process process,
        Root root,
        String hostname,
        String domainname,
        List<Mount> mounts,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux,
        Vm vm,
        Map<String, Object> raw) {

    /** {@code process}: what runs in the container. */
    public record Process(
            boolean terminal,
            ConsoleSize consoleSize,
            User user,
            List<String> args,
            String commandLine,
            List<String> env,
            String cwd,
            Capabilities capabilities,
            List<Rlimit> rlimits,
            boolean noNewPrivileges,
            String apparmorProfile,
            Integer oomScoreAdj,
            String selinuxLabel) {

        /** A copy with other args (used by {@code run}/{@code exec} overrides). */
        public Process withArgs(List<String> newArgs) {
            return new Process(terminal, consoleSize, user, newArgs, commandLine, env, cwd, capabilities,
                    rlimits, noNewPrivileges, apparmorProfile, oomScoreAdj, selinuxLabel);
        }

        public Process withEnv(List<String> newEnv) {
            return new Process(terminal, consoleSize, user, args, commandLine, newEnv, cwd, capabilities,
                    rlimits, noNewPrivileges, apparmorProfile, oomScoreAdj, selinuxLabel);
        }

        public Process withTerminal(boolean t) {
            return new Process(t, consoleSize, user, args, commandLine, env, cwd, capabilities,
                    rlimits, noNewPrivileges, apparmorProfile, oomScoreAdj, selinuxLabel);
        }
    }

    public record ConsoleSize(int height, int width) {}

    /** {@code process.user}; {@code umask} is null when absent (runtime default 0022). */
    public record User(long uid, long gid, Integer umask, List<Long> additionalGids, String username) {}

    /** Capability names such as {@code CAP_CHOWN}; an absent set is empty. */
    public record Capabilities(List<String> bounding, List<String> effective, List<String> inheritable,
                               List<String> permitted, List<String> ambient) {
        public static final Capabilities NONE = new Capabilities(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A POSIX rlimit; {@code -1} stands for RLIM_INFINITY (2^64-1). */
    public record Rlimit(String type, long hard, long soft) {}

    /** {@code root}: {@code path} is as written (relative to the bundle or absolute). */
    public record Root(String path, boolean readonly) {}

    public record Mount(String destination, String type, String source, List<String> options) {
        public boolean isBind() {
            return "bind".equals(type) || options.contains("bind") || options.contains("rbind");
        }
    }

    public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> createContainer,
                        List<Hook> startContainer, List<Hook> poststart, List<Hook> poststop) {
        public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

        public boolean isEmpty() {
            return prestart.isEmpty() && createRuntime.isEmpty() && createContainer.isEmpty()
                    && startContainer.isEmpty() && poststart.isEmpty() && poststop.isEmpty();
        }
    }

    /** One hook; {@code timeout} in seconds, null when absent. */
    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {}

    /** The runtime-spec {@code vm} object (config-vm.md). */
    public record Vm(VmHypervisor hypervisor, VmKernel kernel, VmImage image) {}

    public record VmHypervisor(String path, List<String> parameters) {}

    public record VmKernel(String path, List<String> parameters, String initrd) {}

    public record VmImage(String path, String format) {}
}
