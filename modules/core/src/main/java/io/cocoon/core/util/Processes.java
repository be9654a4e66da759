package io.cocoon.core.util;

import io.cocoon.core.state.ProcStat;
import java.util.Optional;

/** Waiting for and killing host processes by pid, always with a deadline. */
public final class Processes {
    private Processes() {}

    /** Waits until {@code pid} (started at {@code start}) is gone; true if it went in time. */
    public static boolean waitGone(long pid, long start, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long sleep = 1;
        while (ProcStat.alive(pid, start)) {
            if (System.currentTimeMillis() > deadline) return false;
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep = Math.min(20, sleep * 2);
        }
        return true;
    }

    /** SIGKILLs {@code pid} if it is still the same process, then waits for it to go. */
    public static boolean kill(long pid, long start, long timeoutMs) {
        if (!ProcStat.alive(pid, start)) return true;
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(ProcessHandle::destroyForcibly);
        return waitGone(pid, start, timeoutMs);
    }

    /**
     * The live processes of a container found by their own identity, for when its state file
     * cannot say (truncated, garbage, deleted): its monitor ({@code ... [--root ROOT] monitor --
     * ID}) and every process with an argument inside its state directory (the hypervisor's
     * pid file, share and sockets). This process is never among them.
     */
    public static java.util.List<Long> belongingTo(java.nio.file.Path root, java.nio.file.Path stateDir, String id,
                                                   java.nio.file.Path defaultRoot) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        long me = ProcessHandle.current().pid();
        String dir = stateDir.toAbsolutePath().normalize().toString();
        String rootStr = root.toAbsolutePath().normalize().toString();
        for (java.io.File p : processDirs()) {
            long pid = Long.parseLong(p.getName());
            if (pid == me) continue;
            String[] argv;
            try {
                argv = new String(java.nio.file.Files.readAllBytes(p.toPath().resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8)
                        .split("\0");
            } catch (java.io.IOException | RuntimeException e) {
                continue; // gone, or a kernel thread
            }
            if (isMonitorOf(argv, rootStr, id, defaultRoot) || java.util.Arrays.stream(argv).anyMatch(a -> a.equals(dir) || a.contains(dir + "/"))) {
                out.add(pid);
            }
        }
        return out;
    }

    static boolean isMonitorOf(String[] argv, String root, String id, java.nio.file.Path defaultRoot) {
        boolean monitor = false;
        String argRoot = null;
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--root") && i + 1 < argv.length) argRoot = argv[i + 1];
            else if (argv[i].startsWith("--root=")) argRoot = argv[i].substring(7);
            if (argv[i].equals("monitor") && i + 2 < argv.length && argv[i + 1].equals("--") && argv[i + 2].equals(id)) monitor = true;
        }
        if (!monitor) return false;
        String r = argRoot == null ? defaultRoot.toString() : java.nio.file.Path.of(argRoot).toAbsolutePath().normalize().toString();
        return r.equals(root);
    }

    /** SIGTERMs, waits up to {@code graceMs}, then SIGKILLs. */
    public static boolean terminate(long pid, long start, long graceMs) {
        if (!ProcStat.alive(pid, start)) return true;
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        if (waitGone(pid, start, graceMs)) return true;
        return kill(pid, start, 2000);
    }

    /**
     * SIGKILLs a process and every process below it, and waits for them to go. The process is
     * frozen (SIGSTOP) before its descendants are listed, so it cannot add one the list misses.
     *
     * <p>Why: a monitor killed while it spawns its hypervisor leaves a child that is not yet
     * QEMU, or not yet under the {@code setpriv --pdeathsig} that makes QEMU die with its
     * monitor; that child then execs QEMU with no parent to die with and outlives
     * {@code delete --force} (seen once in the soak: a {@code create} CLI killed mid-boot, then
     * {@code delete --force}, left a QEMU running). Listing by ppid also finds a child still
     * between fork and exec, whose command line names nothing of the container.
     */
    public static boolean killTree(long pid, long start, long timeoutMs) {
        if (!ProcStat.alive(pid, start)) return true;
        Signals.stop(pid);
        java.util.Map<Long, Long> tree = new java.util.LinkedHashMap<>();
        for (long d : descendants(pid)) tree.put(d, ProcStat.startTime(d));
        kill(pid, start, 0);
        tree.forEach((d, s) -> kill(d, s, 0));
        boolean gone = waitGone(pid, start, timeoutMs);
        for (var e : tree.entrySet()) gone &= waitGone(e.getKey(), e.getValue(), 2000);
        return gone;
    }

    /** Every live descendant of {@code pid}, from the parent pids in {@code /proc/<pid>/stat}. */
    public static java.util.List<Long> descendants(long pid) {
        java.util.Map<Long, java.util.List<Long>> children = new java.util.HashMap<>();
        for (java.io.File p : processDirs()) {
            long child = Long.parseLong(p.getName());
            long parent = ProcStat.parent(child);
            if (parent > 0) children.computeIfAbsent(parent, k -> new java.util.ArrayList<>()).add(child);
        }
        java.util.List<Long> out = new java.util.ArrayList<>();
        java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>(children.getOrDefault(pid, java.util.List.of()));
        while (!queue.isEmpty()) {
            long c = queue.poll();
            if (out.contains(c)) continue;
            out.add(c);
            queue.addAll(children.getOrDefault(c, java.util.List.of()));
        }
        return out;
    }

    /** The {@code /proc/<pid>} directories now. */
    private static java.io.File[] processDirs() {
        java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
        return procs == null ? new java.io.File[0] : procs;
    }
}
