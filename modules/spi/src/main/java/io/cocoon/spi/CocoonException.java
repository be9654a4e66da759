package io.cocoon.spi;

/**
 * A failure the user should see as one clear line. Drivers throw it with a message that says
 * what went wrong and, where it helps, what to do ("qemu-system-x86_64 not found: apt-get install
 * qemu-system-x86").
 */
public class CocoonException extends RuntimeException {
    private final int exitCode;

    public CocoonException(String message) {
        this(message, 1, null);
    }

    public CocoonException(String message, Throwable cause) {
        this(message, 1, cause);
    }

    public CocoonException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit status the CLI should use (1 unless said otherwise). */
    public int exitCode() {
        return exitCode;
    }
}
