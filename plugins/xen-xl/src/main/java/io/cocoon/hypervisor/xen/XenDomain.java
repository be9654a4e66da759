package io.cocoon.hypervisor.xen;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Xen domain, run by {@code xl create -F}: xl stays in the foreground for the domain's life,
 * so it is the process the monitor watches (its pid is the {@link Vm#pid()}, its exit the
 * domain's end), while pause, resume, shutdown and destroy go through separate {@code xl} calls.
 */
final class XenDomain implements Vm {
    /** How long {@code xl create} may take to make the domain. */
    static final Duration CREATE_DEADLINE = Duration.ofSeconds(60);

    private final Xl xl;
    private final VmPlan plan;
    private final String name;
    private final Process process;
    private final List<String> argv;

    private XenDomain(Xl xl, VmPlan plan, String name, Process process, List<String> argv) {
        this.xl = xl;
        this.plan = plan;
        this.name = name;
        this.process = process;
        this.argv = argv;
    }

    /**
     * How often {@code xl domid} is asked, when xl's own line did not say the domain runs yet.
     * The first ask waits as long: a domain exists before its devices are attached, and a
     * failing attach must be seen as xl's failure, not as a domain. Never for a domain with
     * vifs: they are in the container's namespace only once xl's line has come.
     */
    static final Duration DOMID_POLL = Duration.ofSeconds(5);

    /**
     * Writes the config and runs {@code xl create -F}, which makes the domain, sets up its devices
     * (and their backend, QEMU), unpauses it and stays in the foreground for its life; returns
     * once xl says so ("Waiting for domain NAME (domid N) to die"). No {@code xl domid} polling
     * at first: on a small dom0 every xl process competes with the create itself (measured in
     * the nested lab: 12 s to a running domain with a 50 ms poll, docs/xen.md); it is only a
     * fallback, every 5 s, for an xl that words its line differently.
     */
    static XenDomain create(Xl xl, VmPlan plan) {
        String cfg = XlConfig.render(plan);
        String name = XlConfig.domainName(plan.id());
        Path cfgFile = plan.stateDir().resolve("xl.cfg");
        Path log = plan.hypervisorLog() != null ? plan.hypervisorLog() : plan.stateDir().resolve("xl.log");
        List<String> argv = List.of(xl.path().toString(), "create", "-F", cfgFile.toString());
        Process p;
        long offset;
        try {
            Files.createDirectories(plan.stateDir());
            Files.writeString(cfgFile, cfg);
            String vifScript = VifScript.taps(plan).isEmpty() ? null : VifScript.render(plan, VifScript.Tools.find());
            if (vifScript != null) {
                Path f = plan.stateDir().resolve(VifScript.FILE);
                Files.writeString(f, vifScript);
                Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
            Files.writeString(plan.stateDir().resolve("xen.domain"), name + "\n" + xl.path() + "\n");
            Files.createDirectories(plan.agentSocket().getParent());
            Files.deleteIfExists(plan.agentSocket());
            if (log.getParent() != null) Files.createDirectories(log.getParent());
            offset = Files.exists(log) ? Files.size(log) : 0;
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new CocoonException("xen-xl: cannot start " + argv.get(0) + ": " + e.getMessage());
        }
        XenDomain d = new XenDomain(xl, plan, name, p, argv);
        long start = System.nanoTime();
        long deadline = start + CREATE_DEADLINE.toNanos();
        long nextPoll = start + DOMID_POLL.toNanos();
        String running = "Waiting for domain " + name + " ";
        boolean withNics = !VifScript.taps(plan).isEmpty();
        while (true) {
            String said = readFrom(log, offset);
            if (said.contains(running)) return d;
            if (!p.isAlive()) {
                // xl -F exits when the domain is gone: a domain that ran and died at once is not a failure of create
                if (said.contains("Domain ") && said.contains(" has been destroyed")) return d;
                d.kill();
                throw new CocoonException("xen-xl: xl create failed: " + cause(said, p.exitValue()));
            }
            if (System.nanoTime() > deadline) {
                d.kill();
                throw new CocoonException("xen-xl: xl create did not make domain " + name + " within " + CREATE_DEADLINE.toSeconds()
                        + " s" + (said.isBlank() ? "" : "; xl said: " + Xl.lastLine(said, 0)));
            }
            // a domain with vifs is only ready once their hotplug scripts ran, which xl's own line
            // says and xl domid does not: no fallback for it
            if (!withNics && System.nanoTime() >= nextPoll) {
                if (xl.tryRun("domid", name).rc() == 0) return d;
                nextPoll = System.nanoTime() + DOMID_POLL.toNanos();
            }
            sleep(50);
        }
    }

    /**
     * Why {@code xl create} failed, from its words: libxl's first error (the later ones are the
     * teardown's: "Non-existant domain", "Destruction of domain failed"), without the refusal of
     * the placeholder console every create logs (docs/xen.md), and the line a failing hotplug
     * script printed just before it, which names the cause.
     */
    static String cause(String said, int rc) {
        List<String> lines = said.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("libxl: error:") || l.contains("Primary console has invalid configuration")) continue;
            String before = i > 0 ? lines.get(i - 1) : "";
            boolean script = !before.startsWith("libxl:") && !before.startsWith("Parsing config") && !before.startsWith("xl:");
            return script && !before.isEmpty() ? l + " (" + before + ")" : l;
        }
        return Xl.lastLine(said, rc);
    }

    /** What xl wrote to the log after {@code offset}: this launch's words only. */
    static String readFrom(Path log, long offset) {
        try (var ch = java.nio.channels.FileChannel.open(log)) {
            long size = ch.size();
            if (size <= offset) return "";
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            ch.read(b, offset);
            return new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    String name() {
        return name;
    }

    @Override public long pid() { return process.pid(); }
    @Override public Path agentSocket() { return plan.agentSocket(); }
    @Override public String accelerator() { return "xen"; }
    @Override public List<String> commandLine() { return argv; }
    @Override public void pause() { xl.run("pause", name); }
    @Override public void resume() { xl.run("unpause", name); }
    @Override public boolean isAlive() { return process.isAlive(); }

    @Override
    public void stop(Duration grace) {
        if (!process.isAlive()) return;
        xl.tryRun("shutdown", name);
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    @Override
    public void kill() {
        if (xl.tryRun("domid", name).rc() == 0) xl.tryRun("destroy", name);
        process.destroyForcibly();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CocoonException("xen-xl: interrupted");
        }
    }
}
