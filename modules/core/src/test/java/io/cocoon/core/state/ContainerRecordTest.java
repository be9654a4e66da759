package io.cocoon.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.json.Json;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRecordTest {
    static ContainerRecord sample() {
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put("io.container.manager", "libpod");
        ann.put("quote\"d", "line\nbreak é");
        return new ContainerRecord("1.2.0", "web-1", ContainerStatus.RUNNING, 4242, 987654321L, "/srv/bundle", "/srv/bundle/rootfs",
                "2024-05-01T10:20:30.123456789Z", "root", ann, "qemu-lite", 4343, 987654400L, "/k/vmlinuz", "/k/initrd.img",
                "", "kvm", null);
    }

    @Test
    void jsonRoundTrip() {
        ContainerRecord r = sample();
        assertEquals(r, ContainerRecord.fromJson(r.toJson()));
        ContainerRecord exited = r.withExit(ContainerStatus.STOPPED, 137);
        assertEquals(exited, ContainerRecord.fromJson(exited.toJson()));
        assertEquals(137, ContainerRecord.fromJson(exited.toJson()).exitStatus());
    }

    @Test
    void jsonIsPrettyWithOciFieldsFirstAndNoExitStatusUntilKnown() {
        String json = sample().toJson();
        assertTrue(json.startsWith("{\n  \"ociVersion\": \"1.2.0\",\n  \"id\": \"web-1\",\n  \"status\": \"running\",\n  \"pid\": 4242,"),
                json);
        assertTrue(json.endsWith("}\n"));
        assertFalse(json.contains("exitStatus"));
        assertEquals(0L, Json.parseObject(sample().withExit(ContainerStatus.STOPPED, 0).toJson()).get("exitStatus"));
    }

    @Test
    void missingFieldsGetDefaults() {
        ContainerRecord r = ContainerRecord.fromJson("{\"id\": \"x\", \"annotations\": {\"n\": 5}}");
        assertEquals("x", r.id());
        assertEquals(ContainerStatus.STOPPED, r.status());
        assertEquals(0, r.pid());
        assertEquals("", r.bundle());
        assertEquals(Map.of("n", "5"), r.annotations());
        assertNull(r.exitStatus());
    }

    @Test
    void withersChangeOnlyTheirFields() {
        ContainerRecord r = sample();
        assertEquals(ContainerStatus.PAUSED, r.withStatus(ContainerStatus.PAUSED).status());
        assertEquals(r.bundle(), r.withStatus(ContainerStatus.PAUSED).bundle());
        ContainerRecord m = r.withMonitor(1, 2);
        assertEquals(1, m.pid());
        assertEquals(2, m.pidStart());
        assertEquals(r.vmPid(), m.vmPid());
        ContainerRecord v = r.withVm("xen-xl", 7, 8, "/k2", "/i2", "tcg");
        assertEquals("xen-xl", v.hypervisor());
        assertEquals(7, v.vmPid());
        assertEquals(8, v.vmPidStart());
        assertEquals("/k2", v.kernel());
        assertEquals("/i2", v.initrd());
        assertEquals("tcg", v.accel());
        assertEquals(r.image(), v.image());
        assertEquals(r.pid(), v.pid());
    }

    @Test
    void stateHidesThePidOnceStopped() {
        ContainerRecord r = sample();
        Map<String, Object> running = r.stateJson(ContainerStatus.RUNNING, false);
        assertEquals(List.of("ociVersion", "id", "pid", "status", "bundle", "annotations"), List.copyOf(running.keySet()));
        assertEquals(4242L, running.get("pid"));
        assertEquals("running", running.get("status"));
        assertEquals(0L, r.stateJson(ContainerStatus.STOPPED, true).get("pid"));
        assertEquals(List.of("ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"),
                List.copyOf(r.stateJson(ContainerStatus.STOPPED, true).keySet()), "runc's state output order");
    }
}
