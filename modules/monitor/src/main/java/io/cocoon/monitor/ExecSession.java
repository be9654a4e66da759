package io.cocoon.monitor;

import io.cocoon.core.agent.ExitStatus;
import io.cocoon.core.agent.ProcessIo;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ControlClient;
import io.cocoon.spi.CocoonException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

/**
 * The client end of {@code exec}: asks the monitor to start a process in the guest, relays its
 * stdio to {@link ContainerStdio}, and returns its exit status. Used by {@code cocoon exec} in
 * the foreground and by the relay process that stands for a detached exec.
 */
public final class ExecSession {
    private ExecSession() {}

    /**
     * @param process the PROCESS payload (docs/agent-protocol.md)
     * @param started called with the guest pid once the process runs
     */
    public static int run(Path socketDir, String id, Tlv.Writer process, ContainerStdio stdio, LongConsumer started) {
        int proc = 2 + ThreadLocalRandom.current().nextInt(1 << 30);
        try (ControlClient c = ControlClient.connect(socketDir, id, Duration.ofSeconds(5))) {
            ProcessIo io = new ProcessIo(c.raw(), proc, stdio.out(), stdio.err(), false, stdio.terminal());
            Tlv.Fields r = c.call(Proto.EXEC, new Tlv.Writer().u32(Proto.T_PROC_ID, proc).nested(Proto.T_PROCESS, process),
                    Duration.ofSeconds(60));
            started.accept(r.u32(Proto.T_PID).orElse(0L));
            // signals to this process (engines kill an exec by the pid in its pid file) reach the guest process
            Signals.forwardTo(c.raw(), proc);
            io.pumpStdin(stdio.in());
            stdio.forwardResizes(c.raw(), proc);
            try {
                ExitStatus st = io.exit().join();
                return st.status();
            } catch (java.util.concurrent.CompletionException e) {
                throw new CocoonException("lost the monitor of container " + id + ": " + e.getCause().getMessage());
            }
        }
    }
}
