package io.cocoon.monitor;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.AgentException;
import io.cocoon.core.agent.ExitStatus;
import io.cocoon.core.agent.ProcessIo;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.cgroup.HostCgroup;
import io.cocoon.core.container.Checkpoints;
import io.cocoon.core.container.LaunchSpec;
import io.cocoon.core.control.ControlClient;
import io.cocoon.core.control.FileRequest;
import io.cocoon.core.lifecycle.Cleanup;
import io.cocoon.core.lifecycle.HookRunner;
import io.cocoon.core.model.Stdio;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.state.AtomicFiles;
import io.cocoon.core.state.ContainerFiles;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Hypervisor;
import io.cocoon.spi.Vm;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * One container's monitor: boots the VM, prepares the container through the agent, relays its
 * stdio, serves the control socket, and returns the container's exit status once the VM is
 * down and the drivers have released their resources.
 *
 * <p>Every wait has a deadline. A failure before the container is created is written to
 * {@code error} in the state directory and reported to {@code create}; the VM is then killed.
 */
public final class Monitor {
    private final StateStore store;
    private final LaunchSpec launch;
    private final Supplier<PluginRegistry> plugins;
    private final Path stateDir;
    private final Path socketDir;
    private final CompletableFuture<Void> created = new CompletableFuture<>();
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private volatile Vm vm;
    /** How the VM came up (cold or from a template), for HELLO's clone fields. */
    private VmTemplates.Boot boot;
    private long launchedAt;
    private volatile AgentClient agent;
    private volatile Lifecycle lifecycle;
    private Requests requests;
    private Runnable afterCreate = () -> { };
    private volatile CompletableFuture<Void> binds = CompletableFuture.completedFuture(null);
    /** Held from the hypervisor's start until the agent answers (or the boot fails). */
    private volatile BootSlots bootSlot;
    private final PodProxy podProxy;
    /** {@code restore}: the checkpoint the VM comes from, or null for a new container. */
    private final Path restoreFrom;

    public Monitor(StateStore store, LaunchSpec launch, Supplier<PluginRegistry> plugins) {
        this.store = store;
        this.launch = launch;
        this.plugins = plugins;
        this.stateDir = store.dir(launch.id());
        this.socketDir = store.socketDir(launch.id());
        this.podProxy = new PodProxy(this, stateDir);
        Path r = stateDir.resolve(ContainerFiles.RESTORE_FROM);
        Path from = null;
        try {
            if (Files.isRegularFile(r)) from = Path.of(Files.readString(r).strip());
        } catch (IOException e) {
            throw new CocoonException("cannot read " + r + ": " + e.getMessage());
        }
        this.restoreFrom = from;
    }

    /** Runs once the container is created (and started, with auto-start): {@code run} writes its pid file. */
    public Monitor afterCreate(Runnable r) {
        afterCreate = r;
        return this;
    }

    /**
     * Runs the container to its end.
     *
     * @param stdio where the container's stdio goes (made by the caller: it may need the console socket)
     * @param autoStart start right after creation ({@code cocoon run})
     * @return the container's exit status (128+N when killed by signal N)
     */
    public int run(Supplier<Stdio> stdio, boolean autoStart) {
        ControlServer control = null;
        FileRequests fileRequests = null;
        Stdio io = null;
        int status;
        try {
            if (vm == null) launchVm(); // first: everything below overlaps with the guest's boot
            long me = ProcessHandle.current().pid();
            lifecycle = new Lifecycle(store, store.read(launch.id()));
            lifecycle.update(r -> r.withMonitor(me, ProcStat.startTime(me)).withVm(launch.hypervisor(), vm.pid(),
                    ProcStat.startTime(vm.pid()), str(launch.vm().kernel()), str(launch.vm().initrd()), vm.accelerator()));
            requests = new Requests(this);
            control = new ControlServer(socketDir.resolve(ControlClient.SOCKET), requests);
            fileRequests = new FileRequests(socketDir.resolve(FileRequest.DIR), requests);
            boot();
            io = stdio.get();
            if (restoreFrom != null) {
                restoreContainer(io);
            } else {
                createContainer(io);
                if (autoStart) start();
            }
            afterCreate.run();
            status = waitForExit();
        } catch (Exception | Error e) {
            // whatever went wrong, create must hear about it rather than wait for its deadline
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            Logger.error(e, "monitor failed: {}", msg);
            writeError(msg);
            created.completeExceptionally(new CocoonException(msg));
            status = 255;
            exited.complete(ExitStatus.exited(255));
        }
        releaseBootSlot();
        shutdown();
        if (io != null) io.close();
        if (control != null) control.close();
        if (fileRequests != null) fileRequests.close();
        Logger.info("monitor exits with {}", status);
        return status;
    }

    /**
     * Starts the hypervisor and puts it in the host cgroup. Called as early as possible (by
     * {@code run} even before the state files are written); must run on a thread that outlives the
     * VM, since the hypervisor's parent-death signal follows the thread that started it.
     */
    public void launchVm() throws IOException {
        if (launch.isPodMember()) {
            // no VM of its own: the sandbox's, whose monitor mounts the binds and relays the agent
            launchedAt = System.nanoTime();
            vm = PodMemberVm.attach(store, launch);
            Logger.info("{}", vm.commandLine().get(0));
            return;
        }
        Hypervisor hv = plugins.get().hypervisor(launch.hypervisor())
                .orElseThrow(() -> new CocoonException("hypervisor driver \"" + launch.hypervisor() + "\" not found; see 'cocoon plugins'"));
        // the boot deadline measures the guest, not a host queue: it starts once a slot is ours
        bootSlot = BootSlots.acquire(store.root().resolve(".boot"));
        launchedAt = System.nanoTime();
        boot = restoreFrom != null
                ? new VmTemplates.Boot(Checkpoints.restore(hv, launch.vm(), restoreFrom), null, VmTemplates.Mode.OFF,
                        Checkpoints.macMap(launch.vm(), restoreFrom))
                : VmTemplates.launch(hv, launch.vm());
        vm = boot.vm();
        VmNetwork.joinNics(stateDir, launch.id(), plugins, hv);
        if (restoreFrom != null) {
            AtomicFiles.write(stateDir.resolve(ContainerFiles.BOOT), "restored " + restoreFrom + "\n");
            Logger.info("VM restored from checkpoint {} in {} ms", restoreFrom, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedAt));
        }
        if (boot.cloned()) {
            AtomicFiles.write(stateDir.resolve(ContainerFiles.BOOT), "template " + boot.mode().name().toLowerCase(java.util.Locale.ROOT)
                    + " " + boot.template() + "\n");
            Logger.info("VM cloned from template {} ({} memory) in {} ms", boot.template(), boot.mode().name().toLowerCase(java.util.Locale.ROOT),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedAt));
        }
        // The share's binds can appear after QEMU has started (it resolves paths as the guest
        // asks, and shares our mount namespace): make them while the guest boots, since the
        // guest mounts the share only at CREATE. Linking mount(2) costs ~40 ms cold (Mounts links
        // only the functions it is asked for).
        binds = CompletableFuture.runAsync(() -> HostMounts.apply(launch.hostBinds()), r -> Thread.ofPlatform().daemon().start(r));
        Logger.info("{} started: pid {} ({}), {}", hv.name(), vm.pid(), vm.accelerator(), String.join(" ", vm.commandLine()));
        List<Path> cgroups = HostCgroup.place(HostCgroup.ROOT, launch.cgroupsPath(), launch.hostLimits(),
                ProcessHandle.current().pid(), vm.pid());
        if (!cgroups.isEmpty()) {
            AtomicFiles.write(stateDir.resolve(ContainerFiles.CGROUPS), String.join("\n", cgroups.stream().map(Path::toString).toList()));
            Logger.info("host cgroup: {}", cgroups);
        }
    }

    /** Kills a VM started by {@link #launchVm} when the container never got going. */
    public void abortVm() {
        releaseBootSlot();
        if (vm != null) vm.kill();
        if (launch.isPodMember()) return;
        binds.exceptionally(e -> null).join();
        HostMounts.release(launch.hostBinds());
    }

    private void boot() throws IOException {
        if (vm instanceof PodMemberVm member) {
            agent = member.channel(); // the sandbox's agent, which said HELLO to the sandbox
            return;
        }
        long t0 = launchedAt;
        Duration deadline = Duration.ofMillis(launch.bootTimeoutMs());
        try {
            agent = AgentClient.connect(launch.vm().agentSocket(), deadline, vm::isAlive);
        } catch (IOException e) {
            throw bootFailure("no agent channel", e.getMessage());
        }
        agent.onLog(f -> Logger.info("agent: {}", f.str(Proto.T_MESSAGE).orElse("")));
        podProxy.install(agent);
        long left = Math.max(1000, launch.bootTimeoutMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        Tlv.Fields hello;
        try {
            hello = helloUntil(left);
        } catch (AgentException e) {
            throw bootFailure("the guest agent did not answer", e.getMessage());
        }
        releaseBootSlot();
        long version = hello.u32(Proto.T_VERSION).orElse(0L);
        if (version != Proto.VERSION) throw new CocoonException("guest agent speaks protocol " + version + ", Cocoon speaks " + Proto.VERSION);
        Logger.info("agent {} on {} answered after {} ms (guest uptime {} ms)", hello.str(Proto.T_AGENT_VERSION).orElse("?"),
                hello.str(Proto.T_KERNEL).orElse("?"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                hello.u64(Proto.T_BOOT_MS).orElse(-1L));
    }

    /** How long one HELLO waits for its answer before it is sent again. */
    static final long HELLO_RETRY_MS = 2000;

    /**
     * HELLO, failing fast if the VM process dies meanwhile. A HELLO left unanswered for
     * {@link #HELLO_RETRY_MS}, or answered with an error, is sent again until the deadline: on a
     * tty channel (Xen's PV console) the first one is usually already waiting when the agent
     * opens the tty, and the tty's line discipline mangles it (echo, erase and flow-control
     * characters) before the agent has made it raw. HELLO is idempotent; answers to an earlier
     * HELLO arrive for an id no longer waited for and are dropped.
     */
    private Tlv.Fields helloUntil(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        AgentException last = null;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) throw last != null ? last : new AgentException(0, "no answer within " + timeoutMs + " ms");
            long attempt = Math.min(left, HELLO_RETRY_MS);
            CompletableFuture<Tlv.Fields> f = CompletableFuture.supplyAsync(() ->
                    agent.request(Proto.HELLO, hello(), Duration.ofMillis(attempt)), r -> Thread.ofVirtual().start(r));
            while (true) {
                try {
                    return f.get(50, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (!vm.isAlive()) throw new AgentException(0, "the VM exited during boot");
                } catch (java.util.concurrent.ExecutionException e) {
                    AgentException a = e.getCause() instanceof AgentException x ? x : new AgentException(0, e.getCause().getMessage());
                    // EINVAL is the agent's answer to a payload it cannot parse; anything else is final
                    if (!agent.isOpen() || (a.errno() != 0 && a.errno() != 22)) throw a;
                    // unanswered (the agent is not up yet) or refused (it got a mangled HELLO): again
                    if (!a.getMessage().startsWith("no answer within")) {
                        Logger.info("agent refused HELLO ({}); sending it again", a.getMessage());
                        last = a;
                    } else if (last == null || last.getMessage().startsWith("no answer within")) {
                        last = new AgentException(0, "no answer within " + timeoutMs + " ms");
                    }
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AgentException(0, "interrupted");
                }
            }
        }
    }

    /**
     * HELLO sets the guest's clock; to a template's clone it also brings a fresh RNG seed and the
     * container's MACs for the template's NICs (the clone shares both with every other clone).
     */
    private Tlv.Writer hello() {
        Tlv.Writer w = new Tlv.Writer().u32(Proto.T_VERSION, Proto.VERSION).u64(Proto.T_TIME_NS, nowNanos());
        if (boot != null && boot.cloned()) {
            w.bytes(Proto.T_SEED, seed());
        }
        if (boot != null) for (String pair : boot.macMap()) w.str(Proto.T_MAC_MAP, pair);
        return w;
    }

    /**
     * 32 bytes from the host kernel's CSPRNG, read directly: {@code new SecureRandom()} first
     * reads the security properties and the provider list, class loading a monitor needs for
     * nothing else, on the way to the same {@code /dev/urandom}.
     */
    static byte[] seed() {
        byte[] b = new byte[32];
        try (java.io.InputStream in = Files.newInputStream(Path.of("/dev/urandom"))) {
            if (in.readNBytes(b, 0, b.length) == b.length) return b;
        } catch (IOException e) {
            Logger.debug("/dev/urandom: {}; SecureRandom instead", e.getMessage());
        }
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void releaseBootSlot() {
        BootSlots s = bootSlot;
        bootSlot = null;
        if (s != null) s.close();
    }

    private CocoonException bootFailure(String what, String detail) {
        return BootFailure.of(launch, stateDir, vm, what, detail);
    }

    private void createContainer(Stdio io) {
        Spec.Hooks hooks = launch.hooks();
        // runtime.md's lifecycle order: prestart (deprecated) before createRuntime
        HookRunner.run("prestart", hooks.prestart(), state(ContainerStatus.CREATING));
        HookRunner.run("createRuntime", hooks.createRuntime(), state(ContainerStatus.CREATING));
        ProcessIo pio = new ProcessIo(agent, 1, io.out(), io.err(), true, io.terminal());
        byte[] payload = launch.create();
        int[] size = io.size();
        if (size != null && size[0] > 0) payload = withSize(payload, size);
        try {
            binds.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        Tlv.Fields r = agent.request(Proto.CREATE, payload, Duration.ofSeconds(60));
        Logger.info("container created in the guest, pid {}", r.u32(Proto.T_PID).orElse(-1L));
        if (launch.guestUpdate().length > 0) agent.request(Proto.UPDATE, launch.guestUpdate(), Duration.ofSeconds(30));
        relay(pio, io);
        HookRunner.run("createContainer", hooks.createContainer(), state(ContainerStatus.CREATED));
        lifecycle.created();
        created.complete(null);
    }

    /** The init's stdio from here on, and its exit (or the VM's) as the container's. */
    private void relay(ProcessIo pio, Stdio io) {
        pio.pumpStdin(io.in());
        io.forwardResizes((rows, cols) -> agent.request(Proto.RESIZE, new Tlv.Writer().u32(Proto.T_PROC_ID, 1)
                .u32(Proto.T_ROWS, rows).u32(Proto.T_COLS, cols), Duration.ofSeconds(5)));
        pio.exit().whenComplete((st, ex) -> exited.complete(ex == null ? st : ExitStatus.exited(vm.isAlive() ? 255 : 137)));
        vm.onExit().thenRun(() -> exited.complete(ExitStatus.killed(9)));
    }

    /**
     * {@code restore}: the container is in the restored guest already, its processes where they
     * were; the agent hands its streams to this monitor and it is running. The create and start
     * hooks ran when it was first created, so they do not run again.
     */
    private void restoreContainer(Stdio io) {
        ProcessIo pio = new ProcessIo(agent, 1, io.out(), io.err(), true, io.terminal());
        agent.request(Proto.REATTACH, new byte[0], Duration.ofSeconds(30));
        relay(pio, io);
        lifecycle.created();
        lifecycle.started();
        created.complete(null);
        Logger.info("container restored from {}", restoreFrom);
    }

    /**
     * {@code checkpoint}: saves the VM (docs/checkpoint.md). Without {@code leaveRunning} the
     * container then ends, killed, as runc's checkpoint ends it; with it, it goes on.
     */
    synchronized void checkpoint(Path dir, boolean leaveRunning) throws IOException {
        if (launch.isPodMember()) throw new CocoonException("checkpoint: a pod member shares its sandbox's VM; checkpoint the sandbox");
        boolean paused = lifecycle.isPaused();
        long t0 = System.nanoTime();
        Checkpoints.save(vm, launch.vm(), dir, launch.lateNetwork());
        Logger.info("checkpoint saved to {} in {} ms", dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        if (leaveRunning) {
            if (!paused) vm.resume();
            return;
        }
        vm.kill();
        exited.complete(ExitStatus.killed(9));
    }

    /** Adds the host terminal size to the init PROCESS of a CREATE payload. */
    private static byte[] withSize(byte[] create, int[] size) {
        Tlv.Fields f = Tlv.Fields.parse(create);
        Tlv.Writer w = new Tlv.Writer();
        for (Tlv.Field field : f.all()) {
            if (field.tag() == Proto.T_PROCESS) {
                Tlv.Writer p = new Tlv.Writer();
                for (Tlv.Field pf : Tlv.Fields.parse(field.value()).all()) {
                    if (pf.tag() != Proto.P_ROWS && pf.tag() != Proto.P_COLS) p.bytes(pf.tag(), pf.value());
                }
                p.u32(Proto.P_ROWS, size[0]).u32(Proto.P_COLS, size[1]);
                w.nested(Proto.T_PROCESS, p);
            } else {
                w.bytes(field.tag(), field.value());
            }
        }
        return w.toBytes();
    }

    /** START: startContainer hooks, exec in the guest, state running, poststart hooks. */
    synchronized void start() {
        lifecycle.requireStart();
        long t0 = System.nanoTime();
        Spec.Hooks hooks = launch.hooks();
        VmNetwork.attachLate(stateDir, launch.id(), plugins, agent);
        HookRunner.run("startContainer", hooks.startContainer(), state(ContainerStatus.CREATED));
        long t1 = System.nanoTime();
        agent.request(Proto.START, new byte[0], Duration.ofSeconds(30));
        long t2 = System.nanoTime();
        Logger.debug("start: hooks {} us, agent START {} us", (t1 - t0) / 1000, (t2 - t1) / 1000);
        lifecycle.started();
        for (String f : HookRunner.runAll("poststart", hooks.poststart(), state(ContainerStatus.RUNNING))) Logger.warn(f);
    }

    synchronized void pause() {
        vm.pause();
        lifecycle.paused();
    }

    synchronized void resume() {
        vm.resume();
        for (byte[] s : lifecycle.resumed()) {
            try {
                agent.request(Proto.SIGNAL, s, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                Logger.debug("deferred signal: {}", e.getMessage());
            }
        }
    }

    /** Ends a monitor whose container never got created (a signal during boot). */
    void abort(String why) {
        created.completeExceptionally(new CocoonException(why));
        exited.complete(ExitStatus.killed(15));
        if (vm != null) vm.kill();
    }

    Lifecycle lifecycle() { return lifecycle; }
    AgentClient agent() { return agent; }
    Vm vm() { return vm; }
    CompletableFuture<Void> created() { return created; }
    CompletableFuture<ExitStatus> exited() { return exited; }
    LaunchSpec launch() { return launch; }
    PodProxy podProxy() { return podProxy; }

    private int waitForExit() {
        ExitStatus st = exited.join();
        Logger.info("container {}", st);
        lifecycle.exited(st.status());
        return st.status();
    }

    /** Stops the VM (agent shutdown, then the hypervisor) and releases driver resources. */
    private void shutdown() {
        if (vm != null && vm.isAlive()) {
            if (lifecycle != null && lifecycle.isPaused()) {
                try {
                    vm.resume();
                } catch (RuntimeException e) {
                    Logger.debug("resume before shutdown: {}", e.getMessage());
                }
            }
            if (agent != null && agent.isOpen() && !launch.isPodMember()) {
                podProxy.closeAll(); // members first: their monitors record them stopped
                try {
                    agent.request(Proto.SHUTDOWN, new Tlv.Writer().u32(Proto.T_TIMEOUT_MS, 500), Duration.ofSeconds(2));
                } catch (RuntimeException e) {
                    Logger.debug("agent shutdown: {}", e.getMessage());
                }
            }
            vm.stop(Duration.ofSeconds(3));
        }
        if (agent != null) agent.close();
        if ((vm == null || !vm.isAlive()) && !launch.isPodMember()) {
            binds.exceptionally(e -> null).join();
            HostMounts.release(launch.hostBinds());
        }
        Cleanup.releaseDrivers(stateDir, launch.id(), plugins, false);
    }

    /** The OCI state hooks get on stdin, with the monitor's pid as the container's. */
    Map<String, Object> state(ContainerStatus status) {
        return lifecycle.record().stateJson(status, false);
    }

    private void writeError(String msg) {
        try {
            AtomicFiles.write(stateDir.resolve(ContainerFiles.ERROR), msg);
        } catch (IOException ignored) {
            // create reports a generic failure then
        }
    }

    private static String str(Path p) {
        return p == null ? "" : p.toString();
    }
}
