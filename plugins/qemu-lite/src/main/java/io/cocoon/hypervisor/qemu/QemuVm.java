package io.cocoon.hypervisor.qemu;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmPlan;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running QEMU. It is started through {@code setpriv --pdeathsig KILL} so that it dies with
 * the monitor even if the monitor is killed with SIGKILL; QMP is connected lazily for
 * pause/resume/stats/quit.
 */
final class QemuVm implements Vm {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /**
     * QEMU keeps only the capabilities its devices use (docs/security.md): 9p's passthrough
     * model makes files with the guest's owners, modes and nodes (chown, dac_override,
     * dac_read_search, fowner, fsetid, mknod, setfcap) and a tap is attached by name (net_admin).
     * Everything else (sys_admin, sys_module, sys_ptrace, sys_rawio, net_raw, kill, setuid...)
     * leaves its bounding set, so even a QEMU escape is not the host's root.
     */
    static final String CAPABILITIES = "-all,+chown,+dac_override,+dac_read_search,+fowner,+fsetid,+mknod,+setfcap,+net_admin";
    private final VmPlan plan;
    private final Process process;
    private final List<String> argv;
    private final Accelerator.Choice accel;
    /** RAM is a file mapping: a snapshot leaves it out (x-ignore-shared). */
    private final boolean fileMemory;
    private Qmp qmp;

    private QemuVm(VmPlan plan, Process process, List<String> argv, Accelerator.Choice accel, boolean fileMemory) {
        this.plan = plan;
        this.fileMemory = fileMemory;
        this.process = process;
        this.argv = argv;
        this.accel = accel;
    }

    static QemuVm start(VmPlan plan, List<String> argv, Accelerator.Choice accel, boolean fileMemory) {
        List<String> cmd = new ArrayList<>();
        // QEMU opens the taps by name, so it runs in their network namespace (a monitor started by
        // create is in it already; a foreground run is not); nsenter first: it needs CAP_SYS_ADMIN
        if (plan.netns() != null && !inNamespace(plan.netns())) cmd.addAll(List.of("/usr/bin/nsenter", "--net=" + plan.netns(), "--"));
        if (Files.isExecutable(SETPRIV)) {
            cmd.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--bounding-set", CAPABILITIES, "--inh-caps", "-all", "--no-new-privs"));
        }
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (plan.hypervisorLog() != null) {
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(plan.hypervisorLog().toFile()));
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            Files.createDirectories(plan.agentSocket().getParent());
            Files.deleteIfExists(plan.agentSocket());
            Files.deleteIfExists(CommandLine.qmpSocket(plan));
            if (plan.hypervisorLog() != null) {
                Files.writeString(plan.hypervisorLog(), "# " + String.join(" ", argv) + "\n# accelerator: " + accel.accel()
                        + " (" + accel.reason() + ")\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
            return new QemuVm(plan, pb.start(), argv, accel, fileMemory);
        } catch (IOException e) {
            throw new CocoonException("cannot start " + argv.get(0) + ": " + e.getMessage());
        }
    }

    /** Whether this process is already in the network namespace at {@code path}. */
    static boolean inNamespace(Path path) {
        try {
            Object a = Files.getAttribute(path, "unix:ino"), b = Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino");
            return a.equals(b) && Files.getAttribute(path, "unix:dev").equals(Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:dev"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override public long pid() { return process.pid(); }
    @Override public Path agentSocket() { return plan.agentSocket(); }
    @Override public String accelerator() { return accel.accel(); }
    @Override public List<String> commandLine() { return argv; }

    private synchronized Qmp qmp() {
        if (qmp == null) {
            try {
                qmp = Qmp.connect(CommandLine.qmpSocket(plan), 5000, process::isAlive);
            } catch (IOException e) {
                throw new CocoonException("cannot reach QEMU's monitor: " + e.getMessage());
            }
        }
        return qmp;
    }

    @Override
    public void pause() {
        qmp().execute("stop", null, 5000);
    }

    @Override
    public void resume() {
        qmp().execute("cont", null, 5000);
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accelerator", accel.accel());
        m.put("status", qmp().execute("query-status", null, 5000));
        return m;
    }

    /**
     * Saves the stopped VM to {@code file}. The migration stream goes over a unix socket this
     * process listens on and copies to the file: QEMU's {@code exec:} transport would fork a
     * shell, which its seccomp sandbox ({@code spawn=deny}) kills it for, and 7.2 has no
     * {@code file:} transport.
     */
    @Override
    public void save(Path file) {
        qmp().execute("stop", null, 5000);
        if (fileMemory) ignoreShared();
        Path sock = migrationSocket();
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            Files.deleteIfExists(sock);
            server.bind(java.net.UnixDomainSocketAddress.of(sock));
            CompletableFuture<Long> copied = CompletableFuture.supplyAsync(() -> {
                try (java.nio.channels.SocketChannel in = server.accept();
                     java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                             java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
                    long n = 0;
                    while (in.read(buf) >= 0) {
                        buf.flip();
                        while (buf.hasRemaining()) n += out.write(buf);
                        buf.clear();
                    }
                    return n;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            qmp().execute("migrate", Map.of("uri", "unix:" + sock), 5000);
            waitForMigration("saving the VM", 60_000);
            copied.get(30, TimeUnit.SECONDS);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new CocoonException("saving the VM: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException("interrupted while saving the VM");
        } finally {
            try {
                Files.deleteIfExists(sock);
            } catch (IOException ignored) {
                // a stale socket file is replaced next time
            }
        }
    }

    private Path migrationSocket() {
        return plan.agentSocket().resolveSibling("migrate.sock");
    }

    private void ignoreShared() {
        qmp().execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "x-ignore-shared", "state", true))), 5000);
    }

    /**
     * Loads a saved state into this QEMU (started with {@code -incoming defer}); it runs when
     * done. QEMU listens on a unix socket and this process streams the file into it.
     * {@code memoryReady} runs last before the first byte of state goes to QEMU, so a memory
     * file may still be being filled until then: QEMU touches no page of guest RAM before the
     * stream (measured with QEMU 7.2: 0 kB resident in the memory file's mapping at this point,
     * /proc/PID/smaps, in every restore of TemplateTest).
     */
    void incoming(Path state, long timeoutMs, Runnable memoryReady) {
        if (fileMemory) ignoreShared();
        Path sock = migrationSocket();
        qmp().execute("migrate-incoming", Map.of("uri", "unix:" + sock), 5000);
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(state);
             java.nio.channels.SocketChannel out = connect(sock, deadline)) {
            memoryReady.run();
            long size = in.size();
            for (long n = 0; n < size; ) {
                long r = in.transferTo(n, size - n, out);
                if (r <= 0 && !process.isAlive()) break;
                n += r;
            }
            out.shutdownOutput();
        } catch (IOException e) {
            if (!process.isAlive()) throw new CocoonException("restoring the VM failed: QEMU exited" + lastLog());
            throw new CocoonException("restoring the VM: " + e.getMessage() + lastLog());
        }
        waitForMigration("restoring the VM", Math.max(1000, deadline - System.currentTimeMillis()));
        // the state was saved stopped, and QEMU restores the run state it was saved in: run it
        Object r = qmp().execute("query-status", null, 5000);
        if (!(r instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("running")))) qmp().execute("cont", null, 5000);
    }

    private java.nio.channels.SocketChannel connect(Path sock, long deadline) throws IOException {
        while (true) {
            try {
                return java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock));
            } catch (IOException e) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) throw e;
                sleep(2);
            }
        }
    }

    private void waitForMigration(String what, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new CocoonException(what + " failed: QEMU exited" + lastLog());
            Object r;
            try {
                r = qmp().execute("query-migrate", null, 5000);
            } catch (CocoonException e) {
                if (!process.isAlive()) throw new CocoonException(what + " failed: QEMU exited" + lastLog());
                throw e;
            }
            String status = r instanceof Map<?, ?> m ? String.valueOf(m.get("status")) : "";
            if (status.equals("completed")) return;
            if (status.equals("failed") || status.equals("cancelled")) {
                Object err = r instanceof Map<?, ?> m ? m.get("error-desc") : null;
                throw new CocoonException(what + " failed: " + (err != null ? err : r) + lastLog());
            }
            sleep(5);
        }
        throw new CocoonException(what + " did not complete within " + timeoutMs + " ms");
    }

    /** QEMU's own last words, for an error line. */
    private String lastLog() {
        try {
            process.waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (plan.hypervisorLog() == null) return "";
        try {
            List<String> lines = Files.readAllLines(plan.hypervisorLog());
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty() && !l.startsWith("#")) return ": " + l;
            }
        } catch (IOException | RuntimeException e) {
            // no log to quote
        }
        return "";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException("interrupted");
        }
    }

    @Override
    public void stop(Duration grace) {
        if (!process.isAlive()) return;
        try {
            if (qmp != null) qmp.execute("quit", null, 1000);
        } catch (RuntimeException ignored) {
            // QEMU may close the socket before answering
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        close();
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    private synchronized void close() {
        if (qmp != null) qmp.close();
    }

    @Override public boolean isAlive() { return process.isAlive(); }

    @Override
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** Kills the QEMU named by a pid file, if that pid is still a QEMU. */
    static void killFromPidFile(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) return;
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(h -> {
                String cmd = h.info().command().orElse("");
                if (cmd.contains("qemu")) {
                    h.destroyForcibly();
                    try {
                        h.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // gone or stuck in the kernel; nothing more we can do
                    }
                }
            });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            // nothing to clean
        }
    }
}
