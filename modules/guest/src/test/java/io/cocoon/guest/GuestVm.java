package io.cocoon.guest;

import io.cocoon.core.agent.AgentClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: boots the built guest kernel and initramfs in a TCG microvm with a busybox
 * rootfs on 9p and the agent on a virtio-serial port, without any of the CLI.
 */
final class GuestVm implements AutoCloseable {
    final Process qemu;
    final AgentClient agent;
    final Path dir;
    final long startedNanos;

    private GuestVm(Process qemu, AgentClient agent, Path dir, long startedNanos) {
        this.qemu = qemu;
        this.agent = agent;
        this.dir = dir;
        this.startedNanos = startedNanos;
    }

    static Path kernel() throws IOException, InterruptedException {
        String env = System.getenv("COCOON_TEST_KERNEL");
        if (env != null) return Path.of(env);
        Process p = new ProcessBuilder("bash", "kernel/build-kernel.sh", "--print-path").redirectErrorStream(false).start();
        String path = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(30, TimeUnit.SECONDS);
        return Path.of(path);
    }

    /** As qemu-lite does under TCG: the TSC rate, so a busy host cannot break its calibration. */
    static String tscKhz() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("cpu MHz")) return " tsc_early_khz=" + (long) (Double.parseDouble(l.substring(l.indexOf(':') + 1).trim()) * 1000);
            }
        } catch (IOException | RuntimeException e) {
            // calibrate then
        }
        return "";
    }

    static Path initramfs() {
        return Path.of("target/guest/initramfs.cpio.gz").toAbsolutePath();
    }

    /** A busybox rootfs, like a minimal container image. */
    static Path busyboxRootfs(Path dir) throws IOException, InterruptedException {
        Path root = dir.resolve("rootfs");
        Files.createDirectories(root.resolve("bin"));
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root")) Files.createDirectories(root.resolve(d));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        // relative links: `busybox --install -s` would point them at the host path of the binary
        Process p = new ProcessBuilder("/bin/busybox", "--list").start();
        for (String app : new String(p.getInputStream().readAllBytes()).split("\n")) {
            if (!app.isBlank() && !app.equals("busybox")) Files.createSymbolicLink(root.resolve("bin").resolve(app.trim()), Path.of("busybox"));
        }
        p.waitFor(30, TimeUnit.SECONDS);
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nuser:x:1000:\n");
        return root;
    }

    static GuestVm boot(Path dir, Path rootfs) throws IOException {
        Path sock = dir.resolve("agent.sock");
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-M", "microvm,acpi=off", "-accel", "tcg,tb-size=16",
                "-cpu", "max", "-m", "256M", "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                "-kernel", "", "-initrd", initramfs().toString(),
                "-append", "console=ttyS0 reboot=t panic=-1 quiet cocoon.debug=1" + tscKhz(),
                "-serial", "file:" + dir.resolve("console.log"),
                "-device", "virtio-serial-device",
                "-chardev", "socket,id=agent,path=" + sock + ",server=on,wait=off",
                "-device", "virtserialport,chardev=agent,name=io.cocoon.agent",
                "-fsdev", "local,id=fs0,path=" + rootfs + ",security_model=passthrough",
                "-device", "virtio-9p-device,fsdev=fs0,mount_tag=rootfs"));
        try {
            cmd.set(cmd.indexOf("-kernel") + 1, kernel().toString());
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        long t0 = System.nanoTime();
        Process q = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile()).redirectInput(new File("/dev/null")).start();
        try {
            AgentClient a = AgentClient.connect(sock, Duration.ofSeconds(30), q::isAlive);
            return new GuestVm(q, a, dir, t0);
        } catch (IOException e) {
            q.destroyForcibly();
            throw e;
        }
    }

    long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    @Override
    public void close() throws InterruptedException {
        agent.close();
        if (!qemu.waitFor(10, TimeUnit.SECONDS)) qemu.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
