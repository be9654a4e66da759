package io.cocoon.core.agent;

import io.cocoon.spi.CocoonException;

/** The agent answered ERROR, or the channel failed. {@code errno} is 0 for channel failures. */
public class AgentException extends CocoonException {
    private final int errno;

    public AgentException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
