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
        /** syscall(nr, int dfd, const char *path, unsigned flags) for open_tree. */
        static final MethodHandle SYSCALL_OPEN_TREE = LINKER.downcallHandle(LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT), CAPTURE, Linker.Option.firstVariadicArg(1));
        /** syscall(nr, int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) for move_mount. */
        static final MethodHandle SYSCALL_MOVE_MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE, Linker.Option.firstVariadicArg(1));
        static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE,
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final long SYS_OPEN_TREE = 428, SYS_MOVE_MOUNT = 429; // x86_64
    private static final int AT_FDCWD = -100, OPEN_TREE_CLONE = 1, O_CLOEXEC = 02000000, AT_RECURSIVE = 0x8000;
    private static final int O_PATH = 010000000, MOVE_MOUNT_F_EMPTY_PATH = 0x4;

    /**
     * open_tree(2) with {@code OPEN_TREE_CLONE}: a detached copy of the mount at {@code path} (and
     * its submounts with {@code recursive}), as a file descriptor another mount namespace can
     * attach with {@link #moveMount}. How a pod member hands its rootfs and binds, which exist
     * in the host's mount namespace, to the sandbox's monitor, whose namespace is private.
     */
    public static int openTree(String path, boolean recursive) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            long fd = (long) Handles.SYSCALL_OPEN_TREE.invokeExact(state, SYS_OPEN_TREE, AT_FDCWD, a.allocateFrom(path),
                    OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
            if (fd < 0) throw new IOException("open_tree " + path + ": " + reason(state));
            return (int) fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open_tree " + path + ": " + t, t);
        }
    }

    /** open(2) with O_PATH, e.g. of {@code /proc/<pid>/fd/<n>}: another process's detached tree. */
    public static int openPath(String path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            int fd = (int) Handles.OPEN.invokeExact(state, a.allocateFrom(path), O_PATH | O_CLOEXEC);
            if (fd < 0) throw new IOException("open " + path + ": " + reason(state));
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open " + path + ": " + t, t);
        }
    }

    /** move_mount(2): attaches the detached tree {@code fd} at {@code target} in this mount namespace. */
    public static void moveMount(int fd, String target) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            long rc = (long) Handles.SYSCALL_MOVE_MOUNT.invokeExact(state, SYS_MOVE_MOUNT, fd, a.allocateFrom(""), AT_FDCWD,
                    a.allocateFrom(target), MOVE_MOUNT_F_EMPTY_PATH);
            if (rc != 0) throw new IOException("move_mount to " + target + ": " + reason(state));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("move_mount " + target + ": " + t, t);
        }
    }

    public static void close(int fd) {
        try {
            int rc = (int) Handles.CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // closing anyway
        }
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
