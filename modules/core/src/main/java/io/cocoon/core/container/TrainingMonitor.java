package io.cocoon.core.container;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.Frame;
import io.cocoon.core.agent.Proto;
import io.cocoon.core.agent.Tlv;
import io.cocoon.core.control.ControlClient;
import io.cocoon.core.control.FileRequest;
import io.cocoon.core.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in monitor for the AOT training run ({@code io.cocoon.cli.Training}): answers every
 * control request OK, over the socket and as file requests, so the lifecycle commands' whole
 * client path lands in the AOT cache without a VM. Never used by a real container.
 */
public final class TrainingMonitor {
    private TrainingMonitor() {}

    /** Serves {@code socketDir}'s control socket and file-request directory until the JVM ends. */
    public static void serve(Path socketDir) throws IOException {
        socketMonitor(socketDir.resolve(ControlClient.SOCKET));
        fileMonitor(socketDir.resolve(FileRequest.DIR));
    }

    /** Answers file requests (start, kill, pause, resume) with OK, as the monitor's FileRequests does. */
    private static void fileMonitor(Path dir) throws IOException {
        Files.createDirectories(dir);
        Thread t = new Thread(() -> {
            while (true) {
                try (var s = Files.newDirectoryStream(dir, "*" + FileRequest.REQUEST)) {
                    for (Path req : s) {
                        Frame f = Frame.read(new java.io.ByteArrayInputStream(Files.readAllBytes(req)));
                        Files.deleteIfExists(req);
                        AtomicFiles.write(FileRequest.replyFor(req),
                                new Frame(Proto.OK, f.id(), new byte[0]).encode());
                    }
                    Thread.sleep(1);
                } catch (IOException | InterruptedException e) {
                    // keep serving until the JVM ends
                }
            }
        }, "fake-file-monitor");
        t.setDaemon(true);
        t.start();
    }

    /** Answers every control request with OK; an EXEC also gets output, end of streams and EXIT 0. */
    private static void socketMonitor(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        server.bind(java.net.UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    java.nio.channels.SocketChannel ch = server.accept();
                    AgentClient[] c = new AgentClient[1];
                    c[0] = AgentClient.over(ch, f -> {
                        try {
                            if (f.type() == Proto.STDIN || f.type() == Proto.CREDIT) return;
                            Tlv.Writer w = new Tlv.Writer().u32(Proto.T_PID, 1);
                            if (f.type() == Proto.PS) w.nested(Proto.T_PROC, new Tlv.Writer().u32(Proto.T_PID, 1).str(Proto.T_CMD, "sh"));
                            c[0].send(new Frame(Proto.OK, f.id(), w.toBytes()));
                            if (f.type() == Proto.EXEC) {
                                int proc = Tlv.Fields.parse(f.payload()).u32(Proto.T_PROC_ID).orElse(2L).intValue();
                                c[0].send(new Frame(Proto.STDIN_CREDIT, proc, new Tlv.Writer().u32(Proto.T_BYTES, 65536).toBytes()));
                                c[0].send(new Frame(Proto.STDOUT, proc, new byte[0]));
                                c[0].send(new Frame(Proto.STDERR, proc, new byte[0]));
                                c[0].send(new Frame(Proto.EXIT, proc, new Tlv.Writer().u32(Proto.T_EXIT_CODE, 0).toBytes()));
                            }
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-monitor");
        t.setDaemon(true);
        t.start();
    }

}
