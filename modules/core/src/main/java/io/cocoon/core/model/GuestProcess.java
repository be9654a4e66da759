package io.cocoon.core.model;

/**
 * One process of a container, as the agent reports it for {@code ps}. The pids are guest pids:
 * a container's processes have no host pids in a VM.
 */
public record GuestProcess(long pid, long ppid, long uid, String state, String command) {}
