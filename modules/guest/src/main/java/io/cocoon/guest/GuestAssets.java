package io.cocoon.guest;

import io.cocoon.core.config.CocoonHome;
import io.cocoon.core.container.GuestImages.GuestImage;
import io.cocoon.spi.CocoonException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Finds the guest kernel and initramfs: what the bundle or annotations named, else what the
 * image ships in {@code <home>/share/cocoon/guest/}, else the kernel build cache
 * ({@code ~/.cache/cocoon/kernel/<hash>/vmlinux}) and an initramfs built from the shipped agent.
 * {@link #resolve(Path, Path, boolean)} is core's {@link io.cocoon.core.container.GuestImages}.
 */
public final class GuestAssets {
    public static final String KERNEL = "vmlinux";
    public static final String INITRD = "initramfs.cpio.gz";
    public static final String AGENT = "cocoon-agent";

    private GuestAssets() {}

    public static GuestImage resolve(Path kernel, Path initrd) {
        return resolve(kernel, initrd, false);
    }

    /**
     * @param host boot the host's Debian kernel (annotation {@code io.cocoon.vm.kernel=host});
     *     it is also the fallback when no Cocoon kernel exists
     */
    public static GuestImage resolve(Path kernel, Path initrd, boolean host) {
        if (kernel != null) return new GuestImage(kernel, initrd != null ? initrd : defaultInitrd(), "bundle", false);
        java.util.Optional<Path> own = host ? java.util.Optional.empty() : defaultKernel();
        if (own.isPresent()) return new GuestImage(own.get(), initrd != null ? initrd : defaultInitrd(), "image", false);
        HostKernel.Found f = HostKernel.find(agent(), kernelCache().resolveSibling("host-kernel"));
        return new GuestImage(f.vmlinux(), f.initramfs(), "host " + f.version(), true);
    }

    static Path agent() {
        Path agent = CocoonHome.guest().resolve(AGENT);
        if (!Files.isRegularFile(agent)) throw new CocoonException("the guest agent is missing: expected " + agent);
        return agent;
    }

    static Optional<Path> defaultKernel() {
        Path shipped = CocoonHome.guest().resolve(KERNEL);
        if (Files.isRegularFile(shipped)) return Optional.of(shipped);
        Path cache = kernelCache();
        if (!Files.isDirectory(cache)) return Optional.empty();
        Path newest = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cache)) {
            for (Path d : ds) {
                Path v = d.resolve(KERNEL);
                if (Files.isRegularFile(v) && (newest == null
                        || Files.getLastModifiedTime(v).compareTo(Files.getLastModifiedTime(newest)) > 0)) {
                    newest = v;
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(newest);
    }

    /** The kernel build cache, as build-kernel.sh computes it. */
    public static Path kernelCache() {
        String env = System.getenv("COCOON_KERNEL_CACHE");
        if (env != null && !env.isEmpty()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("cocoon/kernel");
    }

    static Path defaultInitrd() {
        Path shipped = CocoonHome.guest().resolve(INITRD);
        if (Files.isRegularFile(shipped)) return shipped;
        Path agent = CocoonHome.guest().resolve(AGENT);
        if (!Files.isRegularFile(agent)) {
            throw new CocoonException("no guest initramfs: expected " + shipped + " or the agent " + agent);
        }
        try {
            return Initramfs.cached(agent, new LinkedHashMap<>(), kernelCache().resolveSibling("initramfs"));
        } catch (IOException e) {
            throw new CocoonException("cannot build the guest initramfs: " + e.getMessage());
        }
    }
}
