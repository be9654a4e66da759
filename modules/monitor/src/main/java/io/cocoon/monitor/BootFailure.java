package io.cocoon.monitor;

import io.cocoon.core.container.LaunchSpec;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.Vm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one line a failed boot becomes: the hypervisor's own words when it exited (they name the
 * cause), else what did not answer within the deadline, and what the logs said.
 */
final class BootFailure {
    private BootFailure() {}

    static CocoonException of(LaunchSpec launch, Path stateDir, Vm vm, String what, String detail) {
        String where = logsNote(launch, stateDir);
        // a hypervisor that refuses its arguments closes the channel a moment before it exits
        for (int i = 0; i < 50 && vm != null && vm.isAlive(); i++) sleep20();
        if (vm != null && !vm.isAlive()) {
            // the hypervisor's own words first: they name the cause (a bad device, a missing file)
            String said = hypervisorSaid(launch);
            return new CocoonException("the VM exited during boot" + (said == null ? " (" + detail + ")" : ": " + said) + where);
        }
        return new CocoonException("VM boot failed: " + what + " within " + launch.bootTimeoutMs() + " ms (" + detail
                + "); the VM was killed" + where);
    }

    /**
     * What a boot failure says about the logs. A failed container's state directory is removed
     * (create and run leave nothing behind), so logs in it are quoted, not pointed at: the guest
     * console's last line inline, and only a hypervisor log kept elsewhere
     * ({@code --hypervisor-log-dir}) by its path.
     */
    private static String logsNote(LaunchSpec launch, Path stateDir) {
        StringBuilder sb = new StringBuilder();
        String console = lastLine(launch.vm().consoleLog());
        sb.append(console == null ? "; the guest console is empty" : "; the guest console's last line: \"" + console + "\"");
        Path hv = launch.vm().hypervisorLog();
        if (hv != null && !hv.toAbsolutePath().startsWith(stateDir.toAbsolutePath())) sb.append("; hypervisor log: ").append(hv);
        else sb.append(" (the logs go with the failed container; --hypervisor-log-dir DIR keeps QEMU's)");
        return sb.toString();
    }

    private static String lastLine(Path log) {
        if (log == null || !Files.isReadable(log)) return null;
        try {
            List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).replaceAll("\\p{Cntrl}", "").strip();
                if (!l.isEmpty()) return l.length() > 200 ? l.substring(0, 200) + "..." : l;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The last error line the hypervisor wrote to its log, or null. */
    static String hypervisorSaid(LaunchSpec launch) {
        Path log = launch.vm().hypervisorLog();
        if (log == null || !Files.isReadable(log)) return null;
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                // QEMU prefixes its errors with its program name; the argv and our notes start with '#'
                if (!l.isEmpty() && !l.startsWith("#") && (l.contains("qemu-system") || l.contains("error") || l.contains("rror:"))) {
                    return l.length() > 400 ? l.substring(0, 400) + "..." : l;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static void sleep20() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
