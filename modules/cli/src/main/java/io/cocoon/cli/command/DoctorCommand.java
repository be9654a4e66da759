package io.cocoon.cli.command;

import io.cocoon.cli.support.Command;
import io.cocoon.cli.support.Context;
import io.cocoon.cli.support.JsonOutput;
import io.cocoon.cli.args.Args;
import io.cocoon.core.config.CocoonHome;
import io.cocoon.core.container.GuestImages;
import io.cocoon.guest.GuestAssets;
import io.cocoon.monitor.TemplateCache;
import io.cocoon.spi.Driver;
import io.cocoon.spi.HostCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    public List<io.cocoon.cli.args.Opt> options() {
        return List.of(io.cocoon.cli.args.Opt.value("select one of: text or json (default: \"text\")", "format", "f"));
    }

    @Override
    public int run(Context ctx, Args args) {
        String format = args.value("format") == null ? "text" : args.value("format");
        if (!format.equals("text") && !format.equals("json")) {
            throw new io.cocoon.spi.CocoonException("invalid format option \"" + format + "\": use text or json");
        }
        boolean json = format.equals("json");
        if (!args.positional().isEmpty()) return print(ctx, ctx.runtime().networkChecks(args.id(name())), json);
        List<HostCheck> checks = new ArrayList<>();
        List<Driver> drivers = new ArrayList<>(ctx.plugins().hypervisors());
        drivers.addAll(ctx.plugins().networks());
        drivers.addAll(ctx.plugins().storages());
        for (Driver d : drivers) {
            try {
                checks.addAll(d.check());
            } catch (RuntimeException e) {
                checks.add(HostCheck.fail(d.name(), "check failed: " + e.getMessage()).withFix("run cocoon --debug doctor and report the stack trace"));
            }
        }
        try {
            GuestImages.GuestImage a = GuestAssets.resolve(null, null);
            checks.add(HostCheck.ok("guest kernel", a.kernel() + " (" + size(a.kernel()) + ")"));
            checks.add(HostCheck.ok("guest initramfs", a.initrd() + " (" + size(a.initrd()) + ")"));
        } catch (RuntimeException e) {
            checks.add(HostCheck.fail("guest image", e.getMessage()).withFix("rebuild or reinstall Cocoon (the image ships share/cocoon/guest), or set kernel/initrd in /etc/cocoon/vm.json"));
        }
        Path root = ctx.store().root();
        Path probe = Files.isDirectory(root) ? root : root.getParent();
        checks.add(probe != null && Files.isWritable(probe) ? HostCheck.ok("state root", root.toString())
                : HostCheck.fail("state root", root + " is not writable").withFix("run as root, or pass --root <a directory you can write>"));
        checks.add(Files.isExecutable(Path.of("/usr/bin/setpriv")) ? HostCheck.ok("setpriv", "VMs die with their monitor (pdeathsig)")
                : HostCheck.warn("setpriv", "missing: a VM outlives a killed monitor until 'cocoon delete'").withFix("apt-get install util-linux"));
        checks.add(HostCheck.ok("home", CocoonHome.get().toString()));
        checks.add(templates());
        ctx.plugins().problems().forEach(p -> checks.add(HostCheck.warn("plugin", p.location() + ": " + p.message())
                .withFix("remove " + p.location() + " or rebuild it against the SPI only (docs/plugin-guide.md)")));
        return print(ctx, checks, json);
    }

    /** The VM template cache: the default mode and what is built (docs/templates.md). */
    private static HostCheck templates() {
        try {
            String mode = TemplateCache.defaultMode();
            List<TemplateCache.Entry> built = TemplateCache.list();
            return HostCheck.ok("vm templates", mode + " by default; " + built.size() + " built in " + TemplateCache.dir()
                    + " ('cocoon list --all' shows which containers were cloned)");
        } catch (RuntimeException e) {
            return HostCheck.warn("vm templates", e.getMessage()).withFix("set COCOON_TEMPLATE to off, private or shared");
        }
    }

    /** One line per check; a WARN or FAIL is followed by one line saying how to fix it. */
    private static int print(Context ctx, List<HostCheck> checks, boolean json) {
        boolean failed = checks.stream().anyMatch(c -> c.status() == HostCheck.Status.FAIL);
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (HostCheck c : checks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("status", c.status().name());
                m.put("subject", c.subject());
                m.put("detail", c.detail());
                if (c.fix() != null) m.put("fix", c.fix());
                out.add(m);
            }
            JsonOutput.document(ctx.out(), out);
            return failed ? 1 : 0;
        }
        for (HostCheck c : checks) {
            ctx.out().println(c);
            if (c.fix() != null && c.status() != HostCheck.Status.OK) ctx.out().println("     fix: " + c.fix());
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
