package io.cocoon.cli.support;

import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.core.state.StateStore;
import java.nio.file.Path;
import java.util.List;

/**
 * runc's global flags, plus cc-oci-runtime's. Engines put them before the command: containerd
 * passes {@code --root --log --log-format json [--systemd-cgroup]} on every call, podman/conmon
 * {@code [--systemd-cgroup] [--log-format=json --log FILE]} on create/exec and nothing on the
 * others, Docker {@code --root --log --log-format [--systemd-cgroup]}.
 */
public record GlobalOptions(Path root, Path log, String logFormat, boolean debug, boolean systemdCgroup,
                            String rootless, String criu, Path globalLog, Path hypervisorLogDir, boolean help,
                            boolean version) {

    public static final List<Opt> OPTS = List.of(
            Opt.bool("enable debug logging", "debug"),
            Opt.value("set the log file to write runtime logs to (default: stderr)", "log"),
            Opt.value("set the log format ('text' (default), or 'json')", "log-format"),
            Opt.value("root directory for storage of container state (default: /run/cocoon)", "root"),
            Opt.value("path to the criu binary (accepted; checkpoints are VM snapshots)", "criu"),
            Opt.bool("enable systemd cgroup support (accepted; Cocoon places cgroups itself)", "systemd-cgroup"),
            Opt.value("ignore cgroup permission errors ('true', 'false', or 'auto')", "rootless"),
            Opt.value("cc-oci-runtime: also log every call, ASCII with the pid, to this file", "global-log"),
            Opt.value("cc-oci-runtime: directory for per-container hypervisor logs", "hypervisor-log-dir"),
            Opt.bool("show help", "help", "h"),
            Opt.bool("print the version", "version", "v"));

    public static GlobalOptions from(Args a) {
        String format = a.value("log-format", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new io.cocoon.spi.CocoonException("invalid log format \"" + format + "\": use text or json");
        }
        String rootless = a.value("rootless", "auto");
        if (!List.of("true", "false", "auto").contains(rootless)) {
            throw new io.cocoon.spi.CocoonException("invalid --rootless value \"" + rootless + "\": use true, false or auto");
        }
        return new GlobalOptions(
                Path.of(a.value("root", StateStore.DEFAULT_ROOT.toString())),
                a.has("log") && !a.value("log").isEmpty() ? Path.of(a.value("log")) : null,
                format,
                a.flag("debug"),
                a.flag("systemd-cgroup"),
                rootless,
                a.value("criu"),
                a.has("global-log") ? Path.of(a.value("global-log")) : null,
                a.has("hypervisor-log-dir") ? Path.of(a.value("hypervisor-log-dir")) : null,
                a.flag("help"),
                a.flag("version"));
    }

    /** The flags to pass on to a child cocoon process (monitor, exec relay). */
    public List<String> forChild() {
        List<String> l = new java.util.ArrayList<>(List.of("--root", root.toString()));
        if (log != null) l.addAll(List.of("--log", log.toString(), "--log-format", logFormat));
        if (debug) l.add("--debug");
        if (globalLog != null) l.addAll(List.of("--global-log", globalLog.toString()));
        if (hypervisorLogDir != null) l.addAll(List.of("--hypervisor-log-dir", hypervisorLogDir.toString()));
        return l;
    }
}
