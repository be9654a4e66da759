package io.cocoon.core.util;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * How a cocoon process ends: {@code Runtime.halt}, or libc's {@code _exit} once a thread may be
 * blocked in native code.
 *
 * <p>Why: the JVM's exit waits for threads that are in native code to come back, at least
 * 300 ms for a user thread (HotSpot's {@code VM_Exit::wait_for_threads_in_native_to_block}),
 * even through {@code halt}. A thread reading a socket is in native code (a platform thread
 * in {@code read}, or the virtual-thread poller in {@code epoll_wait}), so every {@code create}
 * (which waits on the monitor's control socket), {@code exec} and monitor (the agent's and
 * QMP's readers) spent 300 ms after its last line before the caller saw it exit: measured
 * with --debug marks, 322-329 ms between the "exiting" mark and the process's exit in five
 * creates. Nothing is lost by {@code _exit}: halt already skips shutdown hooks, output is
 * flushed first, logs are written through, and there is no perf data file.
 *
 * <p>The commands engines call most ({@code state}, {@code start}, {@code kill}...) open no
 * socket and never link the native call: {@link #mayBlockInNative()} is called by what starts
 * such a reader ({@code AgentClient}).
 *
 * <p>A JVM recording an AOT cache ({@code -Dcocoon.aot.training}, the monitor's training run in
 * jlink/build-image.sh) writes it in the JVM's exit, so it always ends through {@code halt}.
 */
public final class ProcessExit {
    private static volatile boolean nativeReaders;

    private ProcessExit() {}

    /** A thread of this process may be blocked in native code from now on. */
    public static void mayBlockInNative() {
        nativeReaders = true;
    }

    /** Ends the process with {@code status} at once; streams must be flushed by the caller. */
    public static void now(int status) {
        if (nativeReaders && !Boolean.getBoolean("cocoon.aot.training")) {
            try {
                Libc.EXIT.invokeExact(status);
            } catch (Throwable t) {
                // fall back to the JVM's own exit
            }
        }
        Runtime.getRuntime().halt(status);
    }

    /** Linked on first use only: the fast commands never load the foreign-function API. */
    private static final class Libc {
        static final MethodHandle EXIT = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("_exit").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
    }
}
