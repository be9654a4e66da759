package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.JsonOutput;
import io.cocoon.cli.support.Version;
import io.cocoon.cli.args.Args;
import io.cocoon.cli.args.Opt;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spec}: writes a starter config.json, runc's default adapted to Cocoon: {@code sh} from a
 * busybox-style {@code rootfs/}, a terminal unless {@code --no-terminal}, and the mounts, masks
 * and namespaces a container expects.
 */
public final class SpecCommand implements Command {
    static final List<String> CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    @Override public String name() { return "spec"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "create a new specification file"; }

    @Override
    public List<Opt> options() {
        return List.of(Opt.value("path to the root of the bundle directory", "bundle", "b"),
                Opt.bool("generate a configuration for a rootless container", "rootless"),
                Opt.bool("do not allocate a terminal for the process (for engines and scripts)", "no-terminal"),
                Opt.repeated("the command to run instead of sh (repeat for each argument)", "args"));
    }

    @Override
    public int run(Context ctx, Args args) throws IOException {
        if (!args.positional().isEmpty()) throw new CocoonException("spec: unexpected argument " + args.positional().get(0));
        Path bundle = Path.of(args.value("bundle", "."));
        if (!Files.isDirectory(bundle)) throw new CocoonException("bundle " + bundle + " does not exist");
        Path out = bundle.resolve("config.json");
        if (Files.exists(out)) throw new CocoonException("File " + out + " exists. Remove it first");
        Map<String, Object> spec = template(!args.flag("no-terminal"), args.values("args"), args.flag("rootless"));
        Files.writeString(out, JsonOutput.document(spec) + "\n");
        return 0;
    }

    static Map<String, Object> template(boolean terminal, List<String> cmd, boolean rootless) {
        Map<String, Object> caps = new LinkedHashMap<>();
        for (String set : List.of("bounding", "effective", "permitted", "ambient")) caps.put(set, CAPS);
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", terminal);
        process.put("user", FeaturesCommand.ordered("uid", 0, "gid", 0));
        process.put("args", cmd.isEmpty() ? List.of("sh") : cmd);
        process.put("env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"));
        process.put("cwd", "/");
        process.put("capabilities", caps);
        process.put("rlimits", List.of(FeaturesCommand.ordered("type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024)));
        process.put("noNewPrivileges", true);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("ociVersion", Version.spec());
        spec.put("process", process);
        spec.put("root", FeaturesCommand.ordered("path", "rootfs", "readonly", true));
        spec.put("hostname", "cocoon");
        spec.put("mounts", List.of(
                mount("/proc", "proc", "proc", List.of()),
                mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                mount("/sys/fs/cgroup", "cgroup2", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"))));
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("resources", Map.of("devices", List.of(FeaturesCommand.ordered("allow", false, "access", "rwm"))));
        List<Object> ns = new java.util.ArrayList<>();
        for (String t : List.of("pid", "network", "ipc", "uts", "mount", "cgroup")) ns.add(Map.of("type", t));
        if (rootless) ns.add(Map.of("type", "user"));
        linux.put("namespaces", ns);
        linux.put("maskedPaths", List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"));
        linux.put("readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
        spec.put("linux", linux);
        return spec;
    }

    private static Map<String, Object> mount(String dest, String type, String source, List<String> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", dest);
        m.put("type", type);
        m.put("source", source);
        if (!options.isEmpty()) m.put("options", options);
        return m;
    }
}
