package io.cocoon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.agent.ExitStatus;
import io.cocoon.core.agent.ProcessIo;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.spi.oci.Spec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest end to end, without the CLI: one boot of the built kernel and initramfs under TCG,
 * driven through the Java agent client. Prints the timings the issue asks for.
 */
@Tag("vm")
class GuestVmTest {
    static final Duration T = Duration.ofSeconds(30);
    static final List<String> CAPS = List.of("CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID", "CAP_NET_BIND_SERVICE");

    static Spec.Process proc(List<String> args, long uid, long gid, List<Long> gids, String cwd, List<String> env) {
        Spec.Capabilities c = new Spec.Capabilities(CAPS, CAPS, List.of(), CAPS, List.of());
        return new Spec.Process(false, null, new Spec.User(uid, gid, null, gids, null), args, null, env, cwd, c,
                List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1234, 1234)), false, null, null, null);
    }

    static final List<String> ENV = List.of("PATH=/bin:/usr/bin", "HOME=/root", "FOO=bar");

    record Result(ExitStatus status, String out, String err) {}

    static Result exec(GuestVm vm, int id, Spec.Process p, Runnable whileRunning) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProcessIo io = new ProcessIo(vm.agent, id, out, err, true, false);
        vm.agent.request(Proto.EXEC, new Tlv.Writer().u32(Proto.T_PROC_ID, id).nested(Proto.T_PROCESS,
                AgentPayloads.process(p, null, false)), T);
        whileRunning.run();
        ExitStatus st = io.exit().orTimeout(30, TimeUnit.SECONDS).join();
        return new Result(st, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(180)
    void oneBootRunsTheWholeScenario(@TempDir Path dir) throws Exception {
        Path rootfs = GuestVm.busyboxRootfs(dir);
        try (GuestVm vm = GuestVm.boot(dir, rootfs)) {
            vm.agent.onLog(f -> System.out.println("agent: " + f.str(Proto.T_MESSAGE).orElse("")));
            try {
                scenario(vm);
            } catch (RuntimeException | AssertionError e) {
                System.out.println(Files.readString(dir.resolve("console.log")));
                throw e;
            }
        }
    }

    private void scenario(GuestVm vm) throws Exception {
        {
            Tlv.Fields hello = vm.agent.request(Proto.HELLO, new Tlv.Writer().u32(Proto.T_VERSION, 1), T);
            long helloMs = vm.elapsedMs();
            assertEquals(1L, hello.u32(Proto.T_VERSION).orElseThrow());

            // The container: its init waits for START; later processes are exec'd beside it.
            Tlv.Writer create = new Tlv.Writer()
                    .nested(Proto.T_ROOTFS, new Tlv.Writer().str(Proto.M_TYPE, "9p").str(Proto.M_SOURCE, "rootfs")
                            .str(Proto.M_DEST, "/").u64(Proto.M_FLAGS, 0)
                            .str(Proto.M_DATA, "trans=virtio,version=9p2000.L,msize=524288,cache=mmap"))
                    .nested(Proto.T_MOUNT, new Tlv.Writer().str(Proto.M_TYPE, "proc").str(Proto.M_SOURCE, "proc")
                            .str(Proto.M_DEST, "/proc").u64(Proto.M_FLAGS, 0).str(Proto.M_DATA, "").flag(Proto.M_MKDIR))
                    .nested(Proto.T_MOUNT, new Tlv.Writer().str(Proto.M_TYPE, "tmpfs").str(Proto.M_SOURCE, "tmpfs")
                            .str(Proto.M_DEST, "/dev").u64(Proto.M_FLAGS, 2).str(Proto.M_DATA, "mode=755").flag(Proto.M_MKDIR))
                    .nested(Proto.T_MOUNT, new Tlv.Writer().str(Proto.M_TYPE, "tmpfs").str(Proto.M_SOURCE, "tmpfs")
                            .str(Proto.M_DEST, "/tmp").u64(Proto.M_FLAGS, 0).str(Proto.M_DATA, "mode=1777").flag(Proto.M_MKDIR))
                    .str(Proto.T_HOSTNAME, "guesttest")
                    .u32(Proto.T_NAMESPACES, Proto.CLONE_NEWPID | Proto.CLONE_NEWNS | Proto.CLONE_NEWUTS | Proto.CLONE_NEWIPC)
                    .nested(Proto.T_PROCESS, AgentPayloads.process(proc(List.of("/bin/sh", "-c", "echo init-started; exec sleep 1000"),
                            0, 0, List.of(), "/", ENV), null, false));
            ByteArrayOutputStream initOut = new ByteArrayOutputStream();
            ProcessIo init = new ProcessIo(vm.agent, 1, initOut, new ByteArrayOutputStream(), true, false);
            vm.agent.request(Proto.CREATE, create, T);
            Thread.sleep(300);
            assertEquals("", initOut.toString(), "nothing runs before START");
            vm.agent.request(Proto.START, new byte[0], T);
            Thread.sleep(300);
            assertFalse(init.exit().isDone(), () -> "init ended: " + init.exit().join() + " out=" + initOut);

            Result echo = exec(vm, 2, proc(List.of("/bin/echo", "hi"), 0, 0, List.of(), "/", ENV), () -> { });
            long firstOutputMs = vm.elapsedMs();
            assertEquals("hi\n", echo.out(), () -> echo.status() + " err=" + echo.err());
            assertEquals(0, echo.status().status());

            Result exit42 = exec(vm, 3, proc(List.of("sh", "-c", "exit 42"), 0, 0, List.of(), "/", ENV), () -> { });
            assertEquals(42, exit42.status().status());

            Result term = exec(vm, 4, proc(List.of("sleep", "100"), 0, 0, List.of(), "/", ENV), () -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                vm.agent.request(Proto.SIGNAL, new Tlv.Writer().u32(Proto.T_PROC_ID, 4).u32(Proto.T_SIGNAL, 15), T);
            });
            assertEquals(15, term.status().signal(), "killed by signal 15");

            Result ids = exec(vm, 5, proc(List.of("sh", "-c", "id -u; id -g; id -G; pwd; echo $FOO; hostname; ulimit -n; "
                    + "grep -E '^Cap(Eff|Bnd)' /proc/self/status"), 1000, 1000, List.of(10L, 20L), "/tmp/work", ENV), () -> { });
            String[] l = ids.out().split("\n");
            assertEquals("1000", l[0]);
            assertEquals("1000", l[1]);
            assertTrue(l[2].contains("10") && l[2].contains("20"), ids.out());
            assertEquals("/tmp/work", l[3], "cwd created if missing");
            assertEquals("bar", l[4]);
            assertEquals("guesttest", l[5]);
            assertEquals("1234", l[6]);
            // CAP_CHOWN(0) CAP_KILL(5) CAP_SETGID(6) CAP_SETUID(7) CAP_NET_BIND_SERVICE(10) = 0x4e1
            assertTrue(ids.out().contains("CapBnd:\t00000000000004e1"), ids.out());
            assertTrue(ids.out().contains("CapEff:\t0000000000000000"), "non-root loses effective caps: " + ids.out());

            // Two exec'd processes at once, beside the still-running init.
            ByteArrayOutputStream slowOut = new ByteArrayOutputStream();
            ProcessIo slow = new ProcessIo(vm.agent, 6, slowOut, new ByteArrayOutputStream(), true, false);
            vm.agent.request(Proto.EXEC, new Tlv.Writer().u32(Proto.T_PROC_ID, 6).nested(Proto.T_PROCESS,
                    AgentPayloads.process(proc(List.of("sh", "-c", "sleep 0.5; echo second"), 0, 0, List.of(), "/", ENV), null, false)), T);
            Result fast = exec(vm, 7, proc(List.of("echo", "first"), 0, 0, List.of(), "/", ENV), () -> { });
            assertEquals("first\n", fast.out());
            assertFalse(slow.exit().isDone(), "the slow one still runs");
            assertEquals(0, slow.exit().orTimeout(30, TimeUnit.SECONDS).join().status());
            assertEquals("second\n", slowOut.toString());

            Tlv.Fields ps = vm.agent.request(Proto.PS, new byte[0], T);
            assertTrue(ps.nested(Proto.T_PROC).stream().anyMatch(p -> p.str(Proto.T_CMD).orElse("").contains("sleep 1000")));

            vm.agent.request(Proto.SIGNAL, new Tlv.Writer().u32(Proto.T_PROC_ID, 1).u32(Proto.T_SIGNAL, 9), T);
            ExitStatus initExit = init.exit().orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals(137, initExit.status());
            assertEquals("init-started\n", initOut.toString());

            vm.agent.request(Proto.SHUTDOWN, new byte[0], T);
            assertTrue(vm.qemu.waitFor(20, TimeUnit.SECONDS), "QEMU exits after SHUTDOWN");
            System.out.printf("guest timings: QEMU start -> agent hello %d ms, -> first exec output %d ms; initramfs %d bytes%n",
                    helloMs, firstOutputMs, Files.size(GuestVm.initramfs()));
        }
    }
}
