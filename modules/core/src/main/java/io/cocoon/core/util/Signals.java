package io.cocoon.core.util;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The one signal Java cannot send: SIGSTOP, through libc's {@code kill(2)}. Linked on first
 * use only, as {@link ProcessExit} is: only a kill of a process that is still alive (a fault
 * path of {@code delete}) gets here, so the commands engines call most never load the
 * foreign-function API.
 */
final class Signals {
    static final int SIGSTOP = 19;

    private Signals() {}

    /** Freezes {@code pid}; false if it could not be (gone, not ours, or no native access). */
    static boolean stop(long pid) {
        try {
            return (int) Libc.KILL.invokeExact((int) pid, SIGSTOP) == 0;
        } catch (Throwable t) {
            return false; // the caller kills it anyway, only without the freeze
        }
    }

    private static final class Libc {
        static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }
}
