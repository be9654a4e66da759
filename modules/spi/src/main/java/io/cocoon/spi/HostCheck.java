package io.cocoon.spi;

/** One line of {@code cocoon doctor}. */
public record HostCheck(Status status, String subject, String detail) {
    public enum Status { OK, WARN, FAIL }

    public static HostCheck ok(String subject, String detail) {
        return new HostCheck(Status.OK, subject, detail);
    }

    public static HostCheck warn(String subject, String detail) {
        return new HostCheck(Status.WARN, subject, detail);
    }

    public static HostCheck fail(String subject, String detail) {
        return new HostCheck(Status.FAIL, subject, detail);
    }

    @Override
    public String toString() {
        return String.format("%-4s %-18s %s", status, subject, detail);
    }
}
