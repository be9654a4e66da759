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
 * A Xen domain, run by {@code xl create -p -F}: xl stays in the foreground for the domain's life,
 * so it is the process the monitor watches (its pid is the {@link Vm#pid()}, its exit the
 * domain's end), while pause, resume, shutdown and destroy go through separate {@code xl} calls.
 */
final class XenDomain implements Vm {
    /** How long {@code xl create} may take to make the (paused) domain. */
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

    /** Writes the config, creates the domain paused, waits for it to exist, then lets it run. */
    static XenDomain create(Xl xl, VmPlan plan) {
        String cfg = XlConfig.render(plan);
        String name = XlConfig.domainName(plan.id());
        Path cfgFile = plan.stateDir().resolve("xl.cfg");
        Path log = plan.hypervisorLog() != null ? plan.hypervisorLog() : plan.stateDir().resolve("xl.log");
        List<String> argv = List.of(xl.path().toString(), "create", "-p", "-F", cfgFile.toString());
        Process p;
        try {
            Files.createDirectories(plan.stateDir());
            Files.writeString(cfgFile, cfg);
            Files.writeString(plan.stateDir().resolve("xen.domain"), name + "\n" + xl.path() + "\n");
            Files.createDirectories(plan.agentSocket().getParent());
            Files.deleteIfExists(plan.agentSocket());
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new CocoonException("xen-xl: cannot start " + argv.get(0) + ": " + e.getMessage());
        }
        XenDomain d = new XenDomain(xl, plan, name, p, argv);
        long deadline = System.nanoTime() + CREATE_DEADLINE.toNanos();
        while (xl.tryRun("domid", name).rc() != 0) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                d.kill();
                throw new CocoonException("xen-xl: xl create " + (p.isAlive() ? "did not make domain " + name + " within "
                        + CREATE_DEADLINE.toSeconds() + " s" : "failed: " + Xl.lastLine(read(log), p.exitValue())));
            }
            sleep(50);
        }
        try {
            xl.run("unpause", name);
        } catch (CocoonException e) {
            d.kill();
            throw e;
        }
        return d;
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

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
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
