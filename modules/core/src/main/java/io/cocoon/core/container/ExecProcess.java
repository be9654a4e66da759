package io.cocoon.core.container;

import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.model.ExecOptions;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.core.spec.LinuxNames;
import io.cocoon.core.spec.ProcessHandler;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the process of an {@code exec} as runc does: from {@code --process} when given, else
 * from the container's own {@code process} with the command-line overrides. The container's
 * seccomp profile applies to exec'd processes too.
 */
final class ExecProcess {
    /** The encoded PROCESS field and whether it has a terminal. */
    record Built(Tlv.Writer payload, boolean terminal) {}

    private ExecProcess() {}

    static Built build(Path stateDir, ContainerRecord r, ExecOptions o) throws IOException {
        Spec spec = SpecParser.read(stateDir.resolve(ContainerFiles.CONFIG));
        Spec.Process p = o.processFile() != null ? fromFile(o) : fromOverrides(spec.process(), o);
        Path rootfs = Path.of(r.rootfs());
        Executables.check(rootfs, p);
        p = p.withEnv(AgentPayloads.withHome(p.env(), Executables.home(rootfs, p.user().uid())));
        SeccompCompiler.Program seccomp = spec.linux() != null && spec.linux().seccomp() != null
                ? SeccompCompiler.compile(spec.linux().seccomp()) : null;
        return new Built(AgentPayloads.process(p, seccomp, true), p.terminal());
    }

    private static Spec.Process fromFile(ExecOptions o) throws IOException {
        Path f = o.processFile();
        byte[] json;
        try {
            json = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw ContainerError.invalid("process file " + f + " does not exist");
        }
        Spec.Process p = SpecParser.process(SpecParser.tree(json, f.toString()), "");
        ProcessHandler.validate(p, "process", null);
        return o.args().isEmpty() ? p : p.withArgs(o.args());
    }

    private static Spec.Process fromOverrides(Spec.Process base, ExecOptions o) {
        if (o.args().isEmpty()) throw ContainerError.invalid("exec: command cannot be empty");
        List<String> env = new ArrayList<>(base.env());
        env.addAll(o.env());
        Spec.User user = base.user();
        if (o.user() != null) {
            long[] u = user(o.user());
            user = new Spec.User(u[0], u[1] < 0 ? user.gid() : u[1], user.umask(), user.additionalGids(), null);
        }
        if (!o.additionalGids().isEmpty()) {
            List<Long> gids = new ArrayList<>();
            for (String g : o.additionalGids()) {
                try {
                    gids.add(Long.parseLong(g));
                } catch (NumberFormatException e) {
                    throw ContainerError.invalid("--additional-gids " + g + ": must be a number");
                }
            }
            user = new Spec.User(user.uid(), user.gid(), user.umask(), gids, user.username());
        }
        Spec.Capabilities caps = base.capabilities();
        if (!o.capabilities().isEmpty()) {
            for (String c : o.capabilities()) {
                if (!LinuxNames.CAPABILITIES.containsKey(c)) throw ContainerError.invalid("--cap " + c + ": unknown capability");
            }
            List<String> add = o.capabilities();
            caps = new Spec.Capabilities(plus(caps.bounding(), add), plus(caps.effective(), add), plus(caps.inheritable(), add),
                    plus(caps.permitted(), add), plus(caps.ambient(), add));
        }
        return new Spec.Process(o.tty(), null, user, List.copyOf(o.args()), null, env, o.cwd() != null ? o.cwd() : base.cwd(),
                caps, base.rlimits(), base.noNewPrivileges() || o.noNewPrivileges(), null, base.oomScoreAdj(), null);
    }

    /** Parses {@code --user uid[:gid]}. */
    static long[] user(String v) {
        String[] f = v.split(":");
        try {
            return new long[] {Long.parseLong(f[0]), f.length > 1 ? Long.parseLong(f[1]) : -1};
        } catch (NumberFormatException e) {
            throw ContainerError.invalid("--user " + v + ": must be uid[:gid] (numbers)");
        }
    }

    private static List<String> plus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) if (!out.contains(s)) out.add(s);
        return out;
    }
}
