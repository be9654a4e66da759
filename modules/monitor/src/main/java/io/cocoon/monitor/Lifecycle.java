package io.cocoon.monitor;

import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ContainerStatus;
import io.cocoon.core.state.ContainerStatus.Transition;
import io.cocoon.core.state.StateStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitor's state machine: the container's status, every transition of it (each written to
 * state.json at once, so the CLI reads the truth), and the work deferred by a status — signals
 * that arrive while the VM is paused, delivered at resume as a frozen process would get them.
 * The rest of the monitor asks it what to do instead of keeping flags of its own; the rules
 * themselves are {@link ContainerStatus}'s.
 */
final class Lifecycle {
    /** What to do with a signal for the container, given its status. */
    enum SignalAction {
        /** Pass it to the agent now. */
        DELIVER,
        /** SIGKILL to a paused VM: resume it first, as the freezer lets SIGKILL through. */
        RESUME_THEN_DELIVER,
        /** Paused: kept, and delivered at resume. */
        DEFERRED,
        /** The container has exited. */
        NOT_RUNNING
    }

    private final StateStore store;
    private ContainerRecord record;
    private final List<byte[]> deferredSignals = new ArrayList<>();

    Lifecycle(StateStore store, ContainerRecord record) {
        this.store = store;
        this.record = record;
    }

    synchronized ContainerStatus status() {
        return record.status();
    }

    synchronized ContainerRecord record() {
        return record;
    }

    /** Replaces the non-status part of the record (monitor and VM pids) and writes it. */
    synchronized void update(java.util.function.UnaryOperator<ContainerRecord> f) {
        record = f.apply(record).withStatus(record.status());
        store.write(record);
    }

    synchronized void created() {
        move(Transition.CREATED);
    }

    /** Throws runc's refusal unless the container may start now. */
    synchronized void requireStart() {
        record.status().requireStart();
    }

    synchronized void started() {
        move(Transition.STARTED);
    }

    synchronized void paused() {
        move(Transition.PAUSED);
    }

    /** Moves out of paused and hands back the signals that waited for it, in arrival order. */
    synchronized List<byte[]> resumed() {
        move(Transition.RESUMED);
        List<byte[]> out = List.copyOf(deferredSignals);
        deferredSignals.clear();
        return out;
    }

    synchronized void exited(int exitStatus) {
        record = record.withExit(record.status().next(Transition.EXITED), exitStatus);
        store.write(record);
    }

    /** Decides about a signal; a deferred one is kept here until {@link #resumed}. */
    synchronized SignalAction signal(int signal, byte[] request) {
        ContainerStatus s = record.status();
        if (s.isStopped()) return SignalAction.NOT_RUNNING;
        if (!s.isPaused()) return SignalAction.DELIVER;
        if (signal == 9) return SignalAction.RESUME_THEN_DELIVER;
        deferredSignals.add(request);
        return SignalAction.DEFERRED;
    }

    /** For requests the frozen guest cannot answer (ps, stats, exec). */
    synchronized boolean isPaused() {
        return record.status().isPaused();
    }

    synchronized boolean isStopped() {
        return record.status().isStopped();
    }

    /** An exit may race any other transition; once stopped, the container stays stopped. */
    private void move(Transition t) {
        if (record.status().isStopped()) return;
        ContainerStatus next = record.status().next(t);
        if (next == record.status()) {
            throw new ContainerError(ContainerError.Kind.WRONG_STATE, "cannot move a " + record.status() + " container: " + t);
        }
        record = record.withStatus(next);
        store.write(record);
    }
}
