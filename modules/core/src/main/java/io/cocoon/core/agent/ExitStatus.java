package io.cocoon.core.agent;

/** How a guest process ended: an exit code, or the signal that killed it. */
public record ExitStatus(int code, int signal) {
    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    public static ExitStatus killed(int signal) {
        return new ExitStatus(0, signal);
    }

    /** The shell convention engines use: the code, or 128+N when killed by signal N. */
    public int status() {
        return signal != 0 ? 128 + signal : code;
    }

    @Override
    public String toString() {
        return signal != 0 ? "killed by signal " + signal : "exited with code " + code;
    }
}
