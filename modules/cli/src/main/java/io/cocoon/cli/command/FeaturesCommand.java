package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.JsonOutput;
import io.cocoon.cli.support.Version;
import io.cocoon.cli.args.Args;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.spec.LinuxNames;
import io.cocoon.spi.SpiVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code features}: runtime-spec's features document (features.md), with the plugins that were
 * found listed under Cocoon's annotations.
 */
public final class FeaturesCommand implements Command {
    static final List<String> MOUNT_OPTIONS = List.of("async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
            "exec", "mand", "noatime", "nodev", "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid",
            "private", "rbind", "relatime", "remount", "ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared",
            "slave", "strictatime", "suid", "sync", "tmpcopyup", "unbindable");

    @Override public String name() { return "features"; }
    @Override public String usage() { return ""; }
    @Override public String summary() { return "show the enabled features"; }

    @Override
    public int run(Context ctx, Args args) throws Exception {
        JsonOutput.document(ctx.out(), document(ctx.plugins()));
        return 0;
    }

    /** Insertion-ordered, so the JSON is stable (Map.of iterates in a random order). */
    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static Map<String, Object> document(PluginRegistry plugins) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ociVersionMin", "1.0.0");
        f.put("ociVersionMax", "1.3.0");
        f.put("hooks", List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"));
        f.put("mountOptions", MOUNT_OPTIONS);
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "uts"));
        linux.put("capabilities", new ArrayList<>(new TreeSet<>(LinuxNames.CAPABILITIES.keySet())));
        linux.put("cgroup", ordered("v1", false, "v2", true, "systemd", false, "systemdUser", false, "rdma", false));
        Map<String, Object> seccomp = new LinkedHashMap<>();
        seccomp.put("enabled", true);
        seccomp.put("actions", List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"));
        seccomp.put("operators", List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"));
        seccomp.put("archs", List.of("SCMP_ARCH_X86_64"));
        seccomp.put("knownFlags", List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"));
        seccomp.put("supportedFlags", List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"));
        linux.put("seccomp", seccomp);
        linux.put("apparmor", Map.of("enabled", false));
        linux.put("selinux", Map.of("enabled", false));
        linux.put("intelRdt", Map.of("enabled", false));
        linux.put("mountExtensions", Map.of("idmap", Map.of("enabled", false)));
        f.put("linux", linux);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put("io.cocoon.version", Version.version());
        ann.put("io.cocoon.spi.version", SpiVersion.VERSION);
        for (String kind : List.of("hypervisor", "network", "storage", "spec-handler")) {
            List<String> names = plugins.infos().stream().filter(i -> i.kind().equals(kind)).map(PluginRegistry.PluginInfo::name).toList();
            ann.put("io.cocoon.plugins." + kind, String.join(",", names));
        }
        f.put("annotations", ann);
        f.put("potentiallyUnsafeConfigAnnotations", List.of("io.cocoon.vm.kernel", "io.cocoon.vm.initrd", "io.cocoon.hypervisor"));
        return f;
    }
}
