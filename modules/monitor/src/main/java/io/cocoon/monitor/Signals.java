package io.cocoon.monitor;

import io.cocoon.core.agent.Proto;
import io.cocoon.core.control.ExecSession;
import io.cocoon.core.agent.Tlv;
import java.time.Duration;
import java.util.List;
import org.tinylog.Logger;
import sun.misc.Signal;

/**
 * Signals sent to the monitor's pid are meant for the container: with runc that pid is the
 * container process itself. They are forwarded to the guest process through the agent.
 */
public final class Signals {
    /**
     * The same set an exec relay forwards ({@link ExecSession#FORWARDED}). QUIT is not among
     * them: HotSpot owns it (thread dumps, kept off the container's stdout by
     * -XX:-DisplayVMOutput in jlink/jvm.options). Engines signal through {@code cocoon kill}.
     */
    static final List<String> FORWARDED = ExecSession.FORWARDED;

    private Signals() {}

    public static void forwardTo(Monitor monitor) {
        for (String name : FORWARDED) {
            try {
                Signal.handle(new Signal(name), s -> forward(monitor, s.getNumber()));
            } catch (IllegalArgumentException e) {
                Logger.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }

    private static void forward(Monitor monitor, int sig) {
        Thread.ofVirtual().start(() -> {
            try {
                if (monitor.agent() == null || !monitor.created().isDone()) {
                    Logger.info("signal {} before the container exists: stopping", sig);
                    if (sig == 15 || sig == 2 || sig == 1) monitor.abort("killed by signal " + sig + " during create");
                    return;
                }
                monitor.agent().request(Proto.SIGNAL, new Tlv.Writer().u32(Proto.T_PROC_ID, 1).u32(Proto.T_SIGNAL, sig),
                        Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Logger.debug("forwarding signal {}: {}", sig, e.getMessage());
            }
        });
    }
}
