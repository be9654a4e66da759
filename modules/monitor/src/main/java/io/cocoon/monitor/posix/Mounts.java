package io.cocoon.monitor.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * mount(2) and umount2(2) through the JDK's own foreign-function API, not jnr-ffi: jnr generates
 * its stub classes at run time (about 80 ms on the way to booting a VM, and out of reach of the
 * AOT cache), while a downcall handle costs a few milliseconds.
 */
public final class Mounts {
    public static final long MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096, MS_REC = 16384;
    public static final int MNT_DETACH = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final class Handles {
        static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().find("mount").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), CAPTURE);
        static final MethodHandle UMOUNT2 = LINKER.downcallHandle(LINKER.defaultLookup().find("umount2").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE);
        static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    }

    private Mounts() {}

    /** mount(2); the error names what was mounted where, with the kernel's reason. */
    public static void mount(String source, String target, String fstype, long flags, String data) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            int rc = (int) Handles.MOUNT.invokeExact(state, str(a, source), str(a, target), str(a, fstype), flags, str(a, data));
            if (rc != 0) {
                throw new IOException("mount " + (source == null ? "" : source + " ") + "on " + target + ": " + reason(state));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("mount " + target + ": " + t, t);
        }
    }

    /** umount2(2); false when it was not mounted (or could not be unmounted). */
    public static boolean umount(String target, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            return (int) Handles.UMOUNT2.invokeExact(state, str(a, target), flags) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    private static MemorySegment str(Arena a, String s) {
        return s == null ? MemorySegment.NULL : a.allocateFrom(s);
    }

    private static String reason(MemorySegment state) throws Throwable {
        int errno = (int) ERRNO.get(state, 0L);
        MemorySegment msg = (MemorySegment) Handles.STRERROR.invokeExact(errno);
        return msg.reinterpret(256).getString(0) + " (errno " + errno + ")";
    }
}
