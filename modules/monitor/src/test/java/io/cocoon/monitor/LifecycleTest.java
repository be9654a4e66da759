package io.cocoon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.StateStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's state machine: every transition written at once, signals decided by status. */
class LifecycleTest {
    @TempDir Path tmp;

    Lifecycle lifecycle(StateStore st) {
        st.create("c").close();
        ContainerRecord r = new ContainerRecord("1.2.0", "c", ContainerStatus.CREATING, 1, 1, "/b", "/b/rootfs",
                "2026-12-01T00:00:00Z", "root", Map.of(), "qemu-lite", 0, 0, "", "", "", "", null);
        st.write(r);
        return new Lifecycle(st, r);
    }

    @Test
    void transitionsAreWrittenAtOnce() {
        StateStore st = new StateStore(tmp.resolve("root"));
        Lifecycle l = lifecycle(st);
        l.created();
        assertEquals(ContainerStatus.CREATED, st.read("c").status());
        l.requireStart();
        l.started();
        assertEquals(ContainerStatus.RUNNING, st.read("c").status());
        assertThrows(ContainerError.class, l::requireStart, "a running container cannot start again");
        l.paused();
        assertEquals(ContainerStatus.PAUSED, st.read("c").status());
        l.resumed();
        l.exited(137);
        assertEquals(ContainerStatus.STOPPED, st.read("c").status());
        l.paused(); // an exit may race a pause: stopped stays stopped
        assertEquals(ContainerStatus.STOPPED, st.read("c").status());
    }

    @Test
    void signalsToAPausedVmWaitForResumeExceptKill() {
        StateStore st = new StateStore(tmp.resolve("root"));
        Lifecycle l = lifecycle(st);
        l.created();
        l.started();
        assertEquals(Lifecycle.SignalAction.DELIVER, l.signal(15, new byte[] {1}));
        l.paused();
        assertEquals(Lifecycle.SignalAction.DEFERRED, l.signal(15, new byte[] {2}));
        assertEquals(Lifecycle.SignalAction.DEFERRED, l.signal(10, new byte[] {3}));
        assertEquals(Lifecycle.SignalAction.RESUME_THEN_DELIVER, l.signal(9, new byte[] {4}));
        List<byte[]> kept = l.resumed();
        assertEquals(2, kept.size());
        assertEquals(2, kept.get(0)[0], "in arrival order");
        assertEquals(3, kept.get(1)[0]);
        assertThrows(ContainerError.class, l::resumed, "a running container cannot resume");
        l.exited(0);
        assertEquals(Lifecycle.SignalAction.NOT_RUNNING, l.signal(15, new byte[0]));
    }
}
