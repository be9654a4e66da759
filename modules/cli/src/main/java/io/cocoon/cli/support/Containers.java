package io.cocoon.cli.support;

import io.cocoon.core.state.ContainerRecord;
import io.cocoon.core.state.ProcStat;
import io.cocoon.core.state.StateStore;
import io.cocoon.spi.CocoonException;
import io.cocoon.spi.oci.State;
import java.util.LinkedHashMap;
import java.util.Map;

/** Status rules shared by the commands. */
public final class Containers {
    private Containers() {}

    /**
     * The status to report: what the monitor last wrote, unless the monitor (or, while creating,
     * the creating process) is gone, in which case the container is stopped.
     */
    public static String status(ContainerRecord r) {
        String s = r.status();
        if (State.STOPPED.equals(s)) return s;
        if (r.pid() <= 0 || !ProcStat.alive(r.pid(), r.pidStart())) return State.STOPPED;
        return s;
    }

    /** runc's state JSON: the OCI state plus runc's rootfs, created and owner. */
    public static Map<String, Object> stateJson(ContainerRecord r) {
        String status = status(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", r.ociVersion());
        m.put("id", r.id());
        m.put("pid", State.STOPPED.equals(status) ? 0L : r.pid());
        m.put("status", status);
        m.put("bundle", r.bundle());
        m.put("rootfs", r.rootfs());
        m.put("created", r.created());
        if (!r.annotations().isEmpty()) m.put("annotations", r.annotations());
        m.put("owner", r.owner());
        return m;
    }

    /** Reads a container that must exist. */
    public static ContainerRecord read(StateStore store, String id) {
        if (!store.exists(id)) throw StateStore.notFound(id);
        return store.read(id);
    }

    public static CocoonException wrongState(String id, String action, String status) {
        return new CocoonException("cannot " + action + " container " + id + ": it is " + status);
    }
}
