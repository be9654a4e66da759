package io.cocoon.monitor.posix;

import static io.cocoon.monitor.posix.Native.INT;
import static io.cocoon.monitor.posix.Native.LONG;
import static io.cocoon.monitor.posix.Native.PTR;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * mount(2), umount2(2), open_tree(2) and move_mount(2), through {@link Native}.
 */
public final class Mounts {
    public static final long MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096, MS_REC = 16384;
    public static final int MNT_DETACH = 2;

    /*
     * One holder class per function, each linked on first use: linking a downcall generates and
     * loads code, and a container's start needs only mount(2). With one holder for all five, a
     * monitor's first bind took 150-190 ms here (its log's "host binds into the share"); with
     * one per function, 62-93 ms, on a CPU shared with QEMU's start (2026-12-02).
     */
    private static final class MountFn {
        static final MethodHandle H = Native.function("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR), true);
    }

    private static final class Umount2Fn {
        static final MethodHandle H = Native.function("umount2", FunctionDescriptor.of(INT, PTR, INT), true);
    }

    /** syscall(nr, int dfd, const char *path, unsigned flags) for open_tree. */
    private static final class OpenTreeFn {
        static final MethodHandle H = Native.function("syscall", FunctionDescriptor.of(LONG, LONG, INT, PTR, INT),
                true, Linker.Option.firstVariadicArg(1));
    }

    /** syscall(nr, int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) for move_mount. */
    private static final class MoveMountFn {
        static final MethodHandle H = Native.function("syscall",
                FunctionDescriptor.of(LONG, LONG, INT, PTR, INT, PTR, INT), true, Linker.Option.firstVariadicArg(1));
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
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            long fd = (long) OpenTreeFn.H.invokeExact(state, SYS_OPEN_TREE, AT_FDCWD, a.allocateFrom(path),
                    OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
            if (fd < 0) throw new IOException("open_tree " + path + ": " + Native.reason(state));
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
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            int fd = (int) Native.OpenFn.H.invokeExact(state, a.allocateFrom(path), O_PATH | O_CLOEXEC);
            if (fd < 0) throw new IOException("open " + path + ": " + Native.reason(state));
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
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            long rc = (long) MoveMountFn.H.invokeExact(state, SYS_MOVE_MOUNT, fd, a.allocateFrom(""), AT_FDCWD,
                    a.allocateFrom(target), MOVE_MOUNT_F_EMPTY_PATH);
            if (rc != 0) throw new IOException("move_mount to " + target + ": " + Native.reason(state));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("move_mount " + target + ": " + t, t);
        }
    }

    public static void close(int fd) {
        Posix.close(fd);
    }

    private Mounts() {}

    /** mount(2); the error names what was mounted where, with the kernel's reason. */
    public static void mount(String source, String target, String fstype, long flags, String data) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            int rc = (int) MountFn.H.invokeExact(state, Native.str(a, source), Native.str(a, target), Native.str(a, fstype), flags, Native.str(a, data));
            if (rc != 0) {
                throw new IOException("mount " + (source == null ? "" : source + " ") + "on " + target + ": " + Native.reason(state));
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
            MemorySegment state = a.allocate(Native.ERRNO_STATE);
            return (int) Umount2Fn.H.invokeExact(state, Native.str(a, target), flags) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

}
