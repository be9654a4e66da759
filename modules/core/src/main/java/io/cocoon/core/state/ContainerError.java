package io.cocoon.core.state;

import io.cocoon.spi.CocoonException;

/**
 * A typed failure of a container operation. The message is the one line the user sees (runc's
 * wording where runc has one); the kind lets callers react without matching text (the CLI
 * treats all as exit status 1, as runc does; tests and the monitor look at the kind).
 */
public final class ContainerError extends CocoonException {
    public enum Kind {
        /** No container with that id. */
        NOT_FOUND,
        /** The id is taken. */
        EXISTS,
        /** The operation is not allowed in the container's status. */
        WRONG_STATE,
        /** Bad input: an id, a flag value, a file. */
        INVALID,
        /** Something a VM cannot do, said in one line. */
        UNSUPPORTED,
        /** The monitor did not answer or is gone. */
        UNREACHABLE,
        /** The monitor, the agent or a driver reported a failure. */
        FAILED
    }

    private final Kind kind;

    public ContainerError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ContainerError(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static ContainerError notFound(String id) {
        return new ContainerError(Kind.NOT_FOUND, "container " + id + " does not exist");
    }

    public static ContainerError exists(String id) {
        return new ContainerError(Kind.EXISTS, "container with id " + id + " already exists");
    }

    public static ContainerError invalid(String message) {
        return new ContainerError(Kind.INVALID, message);
    }

    public static ContainerError unsupported(String message) {
        return new ContainerError(Kind.UNSUPPORTED, message);
    }
}
