package io.cocoon.cli;

/** The floor for bench/cli-start: a JVM from the same image that only prints a line. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
