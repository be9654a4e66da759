package io.cocoon.cli;

import io.cocoon.core.container.TrainingMonitor;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The AOT training run (jlink/build-image.sh): drives the CLI's commands in one JVM so that the
 * classes each command loads land in the AOT cache. Every command runs against a scratch state
 * root, including the error paths engines hit (unknown ids, bad bundles); a fake monitor
 * ({@link TrainingMonitor}) answers the lifecycle commands, and, when QEMU and a guest kernel
 * are there, one real container is run so the create-boot-exit path is trained too.
 */
public final class Training {
    private Training() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : Files.createTempDirectory("cocoon-train").toString());
        Path root = dir.resolve("root");
        Path bundle = dir.resolve("bundle");
        Files.createDirectories(bundle.resolve("rootfs/bin"));
        StateStore store = new StateStore(root);
        try (StateStore.Lock l = store.create("trained")) {
            store.write(new ContainerRecord("1.2.0", "trained", ContainerStatus.STOPPED, 0, 0, bundle.toString(),
                    bundle.resolve("rootfs").toString(), Instant.now().toString(), "root", Map.of(), "qemu-lite", 0, 0,
                    "", "", "", "tcg", 0));
        }
        String r = root.toString();
        // a container whose "monitor" is this JVM: a fake control socket answers like a monitor,
        // so start/kill/pause/resume/exec/ps train their whole client path
        long me = ProcessHandle.current().pid();
        ContainerRecord live = new ContainerRecord("1.2.0", "live", ContainerStatus.CREATED, me, ProcStat.startTime(me), bundle.toString(),
                bundle.resolve("rootfs").toString(), Instant.now().toString(), "root", Map.of(), "qemu-lite", 0, 0, "", "", "", "tcg", null);
        try (StateStore.Lock l = store.create("live")) {
            store.write(live);
        }
        Files.writeString(store.dir("live").resolve("config.json"), "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
                + "\"cwd\":\"/\",\"env\":[\"PATH=/bin\"]},\"root\":{\"path\":\"rootfs\"}}");
        Files.writeString(bundle.resolve("rootfs/bin/sh"), "");
        bundle.resolve("rootfs/bin/sh").toFile().setExecutable(true);
        TrainingMonitor.serve(store.socketDir("live"));
        List<List<String>> runs = List.of(
                List.of("--version"),
                List.of("--root", r, "state", "trained"),
                List.of("--root", r, "state", "nosuch"),
                List.of("--root", r, "list"),
                List.of("--root", r, "list", "--format", "json"),
                List.of("--root", r, "list", "-q"),
                List.of("--root", r, "--log", dir.resolve("log.json").toString(), "--log-format", "json", "start", "nosuch"),
                List.of("--root", r, "kill", "nosuch", "9"),
                List.of("--root", r, "kill", "trained", "KILL"),
                List.of("--root", r, "pause", "nosuch"),
                List.of("--root", r, "resume", "nosuch"),
                List.of("--root", r, "delete", "--force", "nosuch"),
                List.of("spec", "--bundle", bundle.toString(), "--no-terminal"),
                List.of("--root", r, "create", "--bundle", dir.resolve("missing").toString(), "x"),
                List.of("--root", r, "create", "--bundle", bundle.toString(), "../bad"),
                List.of("features"),
                List.of("plugins"),
                List.of("--root", r, "start", "live"),
                List.of("--root", r, "kill", "live", "TERM"),
                List.of("--root", r, "kill", "--all", "live", "9"),
                List.of("--root", r, "ps", "--format", "json", "live"),
                List.of("--root", r, "exec", "live", "sh", "-c", "true"),
                List.of("--root", r, "pause", "live"),
                List.of("--root", r, "events", "--stats", "live"),
                List.of("--root", r, "delete", "trained"),
                List.of("nosuchcommand"));
        List<List<String>> all = new java.util.ArrayList<>(runs);
        if (Files.isRegularFile(io.cocoon.core.config.CocoonHome.guest().resolve("vmlinux"))
                && Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")) && Files.isRegularFile(Path.of("/bin/busybox"))) {
            // one real container, so the path engines use most (create, boot, exec, exit) is trained too
            Path vmb = dir.resolve("vmbundle");
            Files.createDirectories(vmb.resolve("rootfs/bin"));
            Files.copy(Path.of("/bin/busybox"), vmb.resolve("rootfs/bin/busybox"));
            Files.createSymbolicLink(vmb.resolve("rootfs/bin/sh"), Path.of("busybox"));
            Files.createSymbolicLink(vmb.resolve("rootfs/bin/echo"), Path.of("busybox"));
            for (String d : List.of("proc", "sys", "dev", "tmp", "etc")) Files.createDirectories(vmb.resolve("rootfs").resolve(d));
            all.add(List.of("spec", "--bundle", vmb.toString(), "--no-terminal", "--args", "echo", "--args", "trained"));
            all.add(List.of("--root", r, "run", "--bundle", vmb.toString(), "trainrun"));
        }
        for (List<String> a : all) {
            if (a.contains("pause") && a.contains("live")) store.write(live.withStatus(ContainerStatus.RUNNING));
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(sink, true);
            int rc = Main.run(a.toArray(String[]::new), ps, ps, new ByteArrayInputStream(new byte[0]));
            System.out.println(String.join(" ", a) + " -> " + rc + (rc != 0 ? " " + sink.toString().strip() : ""));
        }
    }
}
