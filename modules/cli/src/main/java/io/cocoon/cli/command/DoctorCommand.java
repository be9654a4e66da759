package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.args.Args;
import io.cocoon.core.config.CocoonHome;
import io.cocoon.core.container.GuestImages;
import io.cocoon.guest.GuestAssets;
import io.cocoon.spi.Driver;
import io.cocoon.spi.HostCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code doctor}: checks the host, one line each, OK/WARN/FAIL: the drivers' own checks (qemu,
 * KVM and the PVM case, vhost-vsock, xl, CNI plugins), the guest kernel and initramfs, and the
 * state root. Exits 1 when anything FAILs.
 */
public final class DoctorCommand implements Command {
    @Override public String name() { return "doctor"; }
    @Override public String usage() { return "[container-id]"; }
    @Override public String summary() { return "check this host for what cocoon needs, or a container's network"; }

    @Override
    public int run(Context ctx, Args args) {
        if (!args.positional().isEmpty()) return print(ctx, ctx.runtime().networkChecks(args.id(name())));
        List<HostCheck> checks = new ArrayList<>();
        List<Driver> drivers = new ArrayList<>(ctx.plugins().hypervisors());
        drivers.addAll(ctx.plugins().networks());
        drivers.addAll(ctx.plugins().storages());
        for (Driver d : drivers) {
            try {
                checks.addAll(d.check());
            } catch (RuntimeException e) {
                checks.add(HostCheck.fail(d.name(), "check failed: " + e.getMessage()));
            }
        }
        try {
            GuestImages.GuestImage a = GuestAssets.resolve(null, null);
            checks.add(HostCheck.ok("guest kernel", a.kernel() + " (" + size(a.kernel()) + ")"));
            checks.add(HostCheck.ok("guest initramfs", a.initrd() + " (" + size(a.initrd()) + ")"));
        } catch (RuntimeException e) {
            checks.add(HostCheck.fail("guest image", e.getMessage()));
        }
        Path root = ctx.store().root();
        Path probe = Files.isDirectory(root) ? root : root.getParent();
        checks.add(probe != null && Files.isWritable(probe) ? HostCheck.ok("state root", root.toString())
                : HostCheck.fail("state root", root + " is not writable (run as root or pass --root)"));
        checks.add(Files.isExecutable(Path.of("/usr/bin/setpriv")) ? HostCheck.ok("setpriv", "VMs die with their monitor (pdeathsig)")
                : HostCheck.warn("setpriv", "missing (util-linux): a VM outlives a killed monitor until 'cocoon delete'"));
        checks.add(HostCheck.ok("home", CocoonHome.get().toString()));
        ctx.plugins().problems().forEach(p -> checks.add(HostCheck.warn("plugin", p.location() + ": " + p.message())));
        return print(ctx, checks);
    }

    private static int print(Context ctx, List<HostCheck> checks) {
        boolean failed = false;
        for (HostCheck c : checks) {
            ctx.out().println(c);
            failed |= c.status() == HostCheck.Status.FAIL;
        }
        return failed ? 1 : 0;
    }

    private static String size(Path p) {
        try {
            return Files.size(p) / 1024 + " KiB";
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
