package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesHandlerTest {
    @Test
    void everyDeviceBecomesANodeForTheAgent() {
        SandboxPlan p = plan();
        new DevicesHandler().apply(spec("'linux': {'devices': ["
                + "{'type': 'c', 'path': '/dev/fuse', 'major': 10, 'minor': 229, 'fileMode': 438},"
                + "{'type': 'b', 'path': '/dev/sda', 'major': 8, 'minor': 0},"
                + "{'type': 'p', 'path': '/dev/fifo'}]}"), p);
        assertEquals(List.of("/dev/fuse", "/dev/sda", "/dev/fifo"), p.devices().stream().map(d -> d.path()).toList());
        assertEquals(438, p.devices().get(0).fileMode());
        assertEquals(List.of(), p.warnings(), "created in the guest, as runc creates them on the host");
    }

    @Test
    void badEntriesNameTheirField() {
        assertEquals("linux.devices[0].path: must be an absolute path", assertThrows(SpecException.class,
                () -> new DevicesHandler().apply(spec("'linux': {'devices': [{'type': 'c', 'path': 'dev/x', 'major': 1, 'minor': 3}]}"),
                        plan())).getMessage());
        assertEquals("linux.devices[0].path: must not contain ..", assertThrows(SpecException.class,
                () -> new DevicesHandler().apply(spec("'linux': {'devices': [{'type': 'c', 'path': '/dev/../x', 'major': 1, 'minor': 3}]}"),
                        plan())).getMessage());
        assertEquals("linux.devices[0].major: major and minor are required for device type c", assertThrows(SpecException.class,
                () -> new DevicesHandler().apply(spec("'linux': {'devices': [{'type': 'c', 'path': '/dev/x'}]}"), plan())).getMessage());
    }

    @Test
    void noDevicesNoWarnings() {
        SandboxPlan p = plan();
        new DevicesHandler().apply(spec(""), p);
        new DevicesHandler().apply(spec("'linux': {}"), p);
        assertEquals(List.of(), p.warnings());
        assertEquals(List.of(), p.devices());
    }
}
