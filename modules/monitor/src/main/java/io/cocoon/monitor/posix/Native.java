package io.cocoon.monitor.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * libc through the JDK's own foreign-function API, shared by {@link Posix} and {@link Mounts}.
 * Not jnr-ffi: jnr generates its stub classes at run time with ASM, which every monitor paid for
 * in start-up time (about 80 ms on the way to booting a VM) and in private memory for its whole
 * life (the generated classes, ASM and jffi's native library are outside the CDS/AOT archive);
 * a downcall handle is a few milliseconds and a few hundred bytes.
 */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;
    /** Where a call that sets errno leaves it: allocate one per call and pass it first. */
    static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle STRERROR = function("strerror", FunctionDescriptor.of(PTR, INT), false);

    private Native() {}

    /**
     * A handle on libc's {@code name}; with {@code errno} its first argument is an
     * {@link #ERRNO_STATE} segment that receives errno.
     */
    static MethodHandle function(String name, FunctionDescriptor fd, boolean errno, Linker.Option... options) {
        MemorySegment address = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option[] all = options;
        if (errno) {
            all = java.util.Arrays.copyOf(options, options.length + 1);
            all[options.length] = Linker.Option.captureCallState("errno");
        }
        return LINKER.downcallHandle(address, fd, all);
    }

    /** open(path, flags): linked on first use, as each libc function here is. */
    static final class OpenFn {
        static final MethodHandle H = function("open", FunctionDescriptor.of(INT, PTR, INT), true, Linker.Option.firstVariadicArg(2));

        private OpenFn() {}
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** "No such file or directory (errno 2)": the kernel's reason, as the callers' errors quote it. */
    static String reason(MemorySegment state) {
        int errno = errno(state);
        try {
            MemorySegment msg = (MemorySegment) STRERROR.invokeExact(errno);
            return msg.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static MemorySegment str(Arena a, String s) {
        return s == null ? MemorySegment.NULL : a.allocateFrom(s);
    }
}
