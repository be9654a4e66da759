package io.cocoon.core.control;

import io.cocoon.core.agent.AgentClient;
import io.cocoon.core.agent.AgentException;
import io.cocoon.core.agent.Tlv;
import io.cocoon.spi.CocoonException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CLI's end of the control socket of a container's monitor ({@code ctl.sock}). Same framing
 * as the agent protocol; see docs/control-protocol.md.
 */
public final class ControlClient implements Closeable {
    public static final String SOCKET = "ctl.sock";
    private final AgentClient client;
    private final String id;

    private ControlClient(AgentClient client, String id) {
        this.client = client;
        this.id = id;
    }

    public static ControlClient connect(Path socketDir, String id, Duration timeout) {
        Path s = socketDir.resolve(SOCKET);
        try {
            return new ControlClient(AgentClient.connect(s, timeout, () -> Files.exists(s)), id);
        } catch (IOException e) {
            throw new CocoonException("cannot reach the monitor of container " + id + ": " + e.getMessage());
        }
    }

    /** A request that must succeed; agent/monitor errors become one-line exceptions. */
    public Tlv.Fields call(int type, Tlv.Writer payload, Duration timeout) {
        try {
            return client.request(type, payload, timeout);
        } catch (AgentException e) {
            throw new CocoonException(e.getMessage(), e);
        }
    }

    public AgentClient raw() {
        return client;
    }

    @Override
    public void close() {
        client.close();
    }

    public String id() {
        return id;
    }
}
