package io.cocoon.core.state;

/**
 * The OCI status of a container, and the only place that decides what may happen in which
 * status: every command asks its status ({@link #requireStart()}, {@link #requireKill()}, ...)
 * and the monitor moves it only through {@link #next(Transition)}. The refusals use runc's
 * wording, which engines match on (containerd treats "container not running" from kill as
 * success, podman maps "cannot start a container that has stopped").
 *
 * <p>Why an enum that owns the rules rather than strings compared in each command: the rules
 * used to be repeated per command and had drifted (runc's libcontainer does the same with its
 * {@code containerState} types, youki with {@code ContainerStatus::can_kill()}).
 */
public enum ContainerStatus {
    CREATING("creating"),
    CREATED("created"),
    RUNNING("running"),
    /** A runc extension to the OCI states: all vCPUs of the VM are stopped. */
    PAUSED("paused"),
    STOPPED("stopped");

    /** What moves a container from one status to the next; only the monitor applies them. */
    public enum Transition { CREATED, STARTED, PAUSED, RESUMED, EXITED }

    private final String oci;

    ContainerStatus(String oci) {
        this.oci = oci;
    }

    /** The name in the OCI state ({@code created}, ...). */
    public String oci() {
        return oci;
    }

    @Override
    public String toString() {
        return oci;
    }

    /** Parses a stored status; anything unknown is read as stopped (the safe answer). */
    public static ContainerStatus of(String s) {
        for (ContainerStatus c : values()) if (c.oci.equals(s)) return c;
        return STOPPED;
    }

    /**
     * The status to report: the stored one, unless the process standing for the container (the
     * monitor, or while creating the {@code create} process) is gone; then it is stopped.
     */
    public ContainerStatus effective(boolean ownerAlive) {
        return this == STOPPED || ownerAlive ? this : STOPPED;
    }

    /** The status after {@code t}; a transition that makes no sense here leaves it unchanged. */
    public ContainerStatus next(Transition t) {
        return switch (t) {
            case CREATED -> this == CREATING ? CREATED : this;
            case STARTED -> this == CREATED ? RUNNING : this;
            case PAUSED -> this == RUNNING || this == CREATED ? PAUSED : this;
            case RESUMED -> this == PAUSED ? RUNNING : this;
            case EXITED -> STOPPED;
        };
    }

    /** Whether its VM is up and can take pod members: created, running or paused. */
    public boolean hostsPod() {
        return this == CREATED || this == RUNNING || this == PAUSED;
    }

    public boolean isStopped() {
        return this == STOPPED;
    }

    public boolean isPaused() {
        return this == PAUSED;
    }

    /** Whether the container is still being created (no process exists yet to signal). */
    public boolean isCreating() {
        return this == CREATING;
    }

    /** The OCI state's pid is 0 once the container has stopped, as runc reports it. */
    public long reportedPid(long pid) {
        return this == STOPPED ? 0 : pid;
    }

    public void requireStart() {
        switch (this) {
            case CREATED -> { }
            case STOPPED -> throw wrong("cannot start a container that has stopped");
            case RUNNING -> throw wrong("cannot start an already running container");
            default -> throw wrong("cannot start a container in the " + oci + " state");
        }
    }

    public void requireKill() {
        if (this == STOPPED) throw wrong("container not running");
    }

    /** A VM snapshot is of a live VM: running or paused. */
    public void requireCheckpoint() {
        if (this != RUNNING && this != PAUSED) throw wrong("container is " + oci + ": only a running or paused container can be checkpointed");
    }

    public void requirePause() {
        if (this != RUNNING) throw wrong("container not running");
    }

    public void requireResume() {
        if (this != PAUSED) throw wrong("container not paused");
    }

    /** For ps, update, events: a live container. */
    public void requireRunning() {
        if (this == STOPPED) throw wrong("container not running");
    }

    public void requireExec(boolean ignorePaused) {
        if (this == STOPPED) throw wrong("cannot exec in a stopped container");
        if (this == PAUSED && !ignorePaused) throw wrong("cannot exec in a paused container");
    }

    /**
     * Whether {@code delete} must stop something first; throws, as runc does, for a running or
     * paused container without {@code --force}.
     */
    public boolean requireDelete(String id, boolean force) {
        return switch (this) {
            case STOPPED -> false;
            case CREATED, CREATING -> true;
            case RUNNING, PAUSED -> {
                if (!force) throw wrong("cannot delete container " + id + " that is not stopped: " + oci);
                yield true;
            }
        };
    }

    private static ContainerError wrong(String message) {
        return new ContainerError(ContainerError.Kind.WRONG_STATE, message);
    }
}
