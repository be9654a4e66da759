package io.cocoon.core.control;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.ExitStatus;
import io.cocoon.core.agent.ProcessIo;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.model.Stdio;
import io.cocoon.spi.CocoonException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import sun.misc.Signal;

/**
 * The client end of {@code exec}: asks the monitor to start a process in the guest, relays its
 * stdio to a {@link Stdio}, and returns its exit status. Used by {@code cocoon exec} in the
 * foreground and by the relay process that stands for a detached exec.
 */
public final class ExecSession {
    /**
     * Signals this process forwards to the guest process it stands for (engines kill an exec by
     * the pid in its pid file). QUIT is not among them: HotSpot owns it.
     */
    public static final List<String> FORWARDED = List.of("TERM", "INT", "HUP", "USR1", "USR2", "CONT", "ALRM", "PIPE");

    private ExecSession() {}

    /**
     * @param process the encoded PROCESS (see {@code AgentPayloads.process})
     * @param started called with the guest pid once the process runs
     */
    public static int run(Path socketDir, String id, Tlv.Writer process, Stdio stdio, LongConsumer started) {
        try (ControlClient c = ControlClient.connect(socketDir, id, MonitorClient.SHORT)) {
            int proc = 0;
            ProcessIo io = null;
            Tlv.Fields r = null;
            // a random id below the pod members' ranges (AgentClient.LOCAL_IDS); another exec's is retried
            for (int attempt = 0; r == null; attempt++) {
                proc = 2 + ThreadLocalRandom.current().nextInt(AgentClient.LOCAL_IDS - 2);
                io = new ProcessIo(c.raw(), proc, stdio.out(), stdio.err(), false, stdio.terminal());
                try {
                    r = c.raw().request(Proto.EXEC, new Tlv.Writer().u32(Proto.T_PROC_ID, proc).nested(Proto.T_PROCESS, process),
                            Duration.ofSeconds(60));
                } catch (io.cocoon.core.agent.AgentException e) {
                    c.raw().unlisten(proc);
                    if (e.errno() != 17 || attempt == 4) throw new CocoonException(e.getMessage(), e);
                }
            }
            int procId = proc;
            started.accept(r.u32(Proto.T_PID).orElse(0L));
            forwardSignals(c.raw(), procId);
            io.pumpStdin(stdio.in());
            stdio.forwardResizes((rows, cols) -> c.raw().request(Proto.RESIZE, new Tlv.Writer().u32(Proto.T_PROC_ID, procId)
                    .u32(Proto.T_ROWS, rows).u32(Proto.T_COLS, cols), MonitorClient.SHORT));
            try {
                ExitStatus st = io.exit().join();
                return st.status();
            } catch (java.util.concurrent.CompletionException e) {
                throw new CocoonException("lost the monitor of container " + id + ": " + e.getCause().getMessage());
            }
        }
    }

    /** Signals to this process go to guest process {@code proc} through the control connection. */
    static void forwardSignals(AgentClient control, int proc) {
        for (String name : FORWARDED) {
            try {
                Signal.handle(new Signal(name), s -> Thread.ofVirtual().start(() -> {
                    try {
                        control.request(Proto.SIGNAL, MonitorClient.signalPayload(proc, s.getNumber(), false), MonitorClient.SHORT);
                    } catch (RuntimeException e) {
                        // the process is gone; nothing to deliver
                    }
                }));
            } catch (IllegalArgumentException e) {
                // not available on this JVM
            }
        }
    }
}
