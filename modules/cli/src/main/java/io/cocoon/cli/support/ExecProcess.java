package io.cocoon.cli.support;

import io.cocoon.cli.args.Args;
import io.cocoon.core.agent.CreateRequest;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.core.spec.LinuxNames;
import io.cocoon.core.spec.ProcessHandler;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.agent.Tlv;
import io.cocoon.spi.CocoonException;
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
public final class ExecProcess {
    /** The encoded PROCESS field and whether it has a terminal. */
    public record Built(Tlv.Writer payload, boolean terminal) {}

    private ExecProcess() {}

    public static Built build(Context ctx, String id, Args args) throws IOException {
        Path dir = ctx.store().dir(id);
        Spec spec = SpecParser.read(dir.resolve(ContainerFiles.CONFIG));
        ContainerRecord r = ctx.store().read(id);
        Spec.Process p;
        if (args.has("process")) {
            Path f = Path.of(args.value("process"));
            byte[] json;
            try {
                json = Files.readAllBytes(f);
            } catch (NoSuchFileException e) {
                throw new CocoonException("process file " + f + " does not exist");
            }
            Object tree = SpecParser.tree(json, f.toString());
            p = SpecParser.process(tree, "");
            ProcessHandler.validate(p, "process", null);
            if (args.positional().size() > 1) p = p.withArgs(args.positional().subList(1, args.positional().size()));
        } else {
            if (args.positional().size() < 2) throw new CocoonException("exec: command cannot be empty");
            Spec.Process base = spec.process();
            p = base.withArgs(List.copyOf(args.positional().subList(1, args.positional().size())));
            List<String> env = new ArrayList<>(p.env());
            env.addAll(args.values("env"));
            Spec.User user = p.user();
            if (args.has("user")) {
                long[] u = user(args.value("user"));
                user = new Spec.User(u[0], u[1] < 0 ? user.gid() : u[1], user.umask(), user.additionalGids(), null);
            }
            if (args.has("additional-gids")) {
                List<Long> gids = new ArrayList<>();
                for (String g : args.values("additional-gids")) {
                    try {
                        gids.add(Long.parseLong(g));
                    } catch (NumberFormatException e) {
                        throw new CocoonException("--additional-gids " + g + ": must be a number");
                    }
                }
                user = new Spec.User(user.uid(), user.gid(), user.umask(), gids, user.username());
            }
            Spec.Capabilities caps = p.capabilities();
            if (!args.values("cap").isEmpty()) {
                for (String c : args.values("cap")) {
                    if (!LinuxNames.CAPABILITIES.containsKey(c)) throw new CocoonException("--cap " + c + ": unknown capability");
                }
                caps = new Spec.Capabilities(plus(caps.bounding(), args.values("cap")), plus(caps.effective(), args.values("cap")),
                        plus(caps.inheritable(), args.values("cap")), plus(caps.permitted(), args.values("cap")),
                        plus(caps.ambient(), args.values("cap")));
            }
            p = new Spec.Process(args.flag("tty"), null, user, p.args(), null, env, args.value("cwd", p.cwd()), caps,
                    p.rlimits(), p.noNewPrivileges() || args.flag("no-new-privs"), null, p.oomScoreAdj(), null);
        }
        Executables.check(Path.of(r.rootfs()), p);
        List<String> env = CreateRequest.withHome(p.env(), Executables.home(Path.of(r.rootfs()), p.user().uid()));
        p = new Spec.Process(p.terminal(), p.consoleSize(), p.user(), p.args(), p.commandLine(), env, p.cwd(),
                p.capabilities(), p.rlimits(), p.noNewPrivileges(), p.apparmorProfile(), p.oomScoreAdj(), p.selinuxLabel());
        SeccompCompiler.Program seccomp = spec.linux() != null && spec.linux().seccomp() != null
                ? SeccompCompiler.compile(spec.linux().seccomp()) : null;
        return new Built(CreateRequest.process(p, seccomp, true), p.terminal());
    }

    /** Parses {@code --user uid[:gid]}. */
    static long[] user(String v) {
        String[] f = v.split(":");
        try {
            return new long[] {Long.parseLong(f[0]), f.length > 1 ? Long.parseLong(f[1]) : -1};
        } catch (NumberFormatException e) {
            throw new CocoonException("--user " + v + ": must be uid[:gid] (numbers)");
        }
    }

    private static List<String> plus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) if (!out.contains(s)) out.add(s);
        return out;
    }
}
