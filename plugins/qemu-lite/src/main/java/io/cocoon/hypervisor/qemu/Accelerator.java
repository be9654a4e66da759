package io.cocoon.hypervisor.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Chooses KVM or TCG. KVM is used only when {@code /dev/kvm} opens read-write, the host is not
 * a PVM host (there stock guest kernels hang), and a probe boot of the guest kernel under KVM
 * reaches user space within a deadline. The answer is remembered per host boot, since it
 * cannot change without a reboot.
 */
final class Accelerator {
    static final Path KVM = Path.of("/dev/kvm");
    static final Path PVM_MODULE = Path.of("/sys/module/kvm_pvm");
    static final Path CACHE = Path.of("/run/cocoon/.accel");
    static final long PROBE_MS = 6000;

    /** The decision and why, for the log and {@code cocoon doctor}. */
    record Choice(String accel, String reason) {}

    private Accelerator() {}

    /** Why KVM cannot be used at all, or null when it might be. */
    static String kvmUnusable() {
        if (!Files.exists(KVM)) return "/dev/kvm does not exist";
        try (RandomAccessFile f = new RandomAccessFile(KVM.toFile(), "rw")) {
            // opened: usable as far as permissions go
        } catch (IOException e) {
            return "/dev/kvm cannot be opened: " + e.getMessage();
        }
        if (Files.isDirectory(PVM_MODULE)) {
            return "this host is a PVM host (kvm_pvm): stock guest kernels hang under its KVM";
        }
        return null;
    }

    static Choice choose(String requested, Path qemu, Path kernel, Path initrd, Path workDir) {
        if ("tcg".equals(requested)) return new Choice("tcg", "requested");
        String why = kvmUnusable();
        if (why != null) {
            if ("kvm".equals(requested)) throw new io.cocoon.spi.CocoonException("KVM requested but " + why);
            return new Choice("tcg", why);
        }
        if ("kvm".equals(requested)) return new Choice("kvm", "requested");
        String cached = readCache();
        if (cached != null) return new Choice(cached, "probe result cached in " + CACHE);
        boolean ok = probe(qemu, kernel, initrd, workDir);
        writeCache(ok ? "kvm" : "tcg");
        return ok ? new Choice("kvm", "probe boot reached user space")
                : new Choice("tcg", "probe boot under KVM did not reach user space within " + PROBE_MS + " ms");
    }

    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String readCache() {
        try {
            String[] f = Files.readString(CACHE).trim().split(" ");
            if (f.length == 2 && f[0].equals(bootId()) && (f[1].equals("kvm") || f[1].equals("tcg"))) return f[1];
        } catch (IOException | RuntimeException e) {
            // no cache yet
        }
        return null;
    }

    private static void writeCache(String accel) {
        try {
            Files.createDirectories(CACHE.getParent());
            Path tmp = CACHE.resolveSibling(".accel.tmp" + ProcessHandle.current().pid());
            Files.writeString(tmp, bootId() + " " + accel + "\n");
            Files.move(tmp, CACHE, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // not cached: the next VM probes again
        }
    }

    /** Boots the kernel under KVM and watches the serial console for user space. */
    static boolean probe(Path qemu, Path kernel, Path initrd, Path workDir) {
        Path log = workDir.resolve("kvm-probe.log");
        List<String> argv = new ArrayList<>(List.of(qemu.toString(), "-M", "microvm,acpi=off", "-accel", "kvm",
                "-cpu", "host", "-m", "128", "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
                "-no-reboot", "-kernel", kernel.toString(), "-append",
                "console=ttyS0 loglevel=6 panic=-1 reboot=t cocoon.probe=1", "-serial", "file:" + log));
        if (initrd != null) argv.addAll(List.of("-initrd", initrd.toString()));
        Process p = null;
        try {
            Files.deleteIfExists(log);
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.currentTimeMillis() + PROBE_MS;
            while (System.currentTimeMillis() < deadline) {
                if (Files.exists(log)) {
                    String s = Files.readString(log);
                    if (s.contains("Run /init") || s.contains("Freeing unused kernel") || s.contains("cocoon-agent")) return true;
                }
                if (!p.isAlive()) return false;
                Thread.sleep(50);
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (p != null) {
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // temp file in the state dir
            }
        }
    }
}
