package io.cocoon.spi;

/**
 * One line of {@code cocoon doctor}.
 *
 * @param fix how to fix a WARN or FAIL, in one line (a command to run, a file to edit), or null
 */
public record HostCheck(Status status, String subject, String detail, String fix) {
    public enum Status { OK, WARN, FAIL }

    public HostCheck(Status status, String subject, String detail) {
        this(status, subject, detail, null);
    }

    public static HostCheck ok(String subject, String detail) {
        return new HostCheck(Status.OK, subject, detail);
    }

    public static HostCheck warn(String subject, String detail) {
        return new HostCheck(Status.WARN, subject, detail);
    }

    public static HostCheck fail(String subject, String detail) {
        return new HostCheck(Status.FAIL, subject, detail);
    }

    /** The same check with how to fix it. */
    public HostCheck withFix(String how) {
        return new HostCheck(status, subject, detail, how);
    }

    @Override
    public String toString() {
        return String.format("%-4s %-18s %s", status, subject, detail);
    }
}
