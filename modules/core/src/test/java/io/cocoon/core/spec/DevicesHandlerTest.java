package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocoon.spi.SandboxPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesHandlerTest {
    @Test
    void guestDevicesAreSilentHostDevicesAreReported() {
        SandboxPlan p = plan();
        new DevicesHandler().apply(spec("'linux': {'devices': ["
                + "{'type': 'c', 'path': '/dev/fuse', 'major': 10, 'minor': 229},"
                + "{'type': 'b', 'path': '/dev/sda', 'major': 8, 'minor': 0},"
                + "{'type': 'c', 'path': '/dev/net/tun', 'major': 10, 'minor': 200},"
                + "{'type': 'c', 'path': '/dev/nvidia0', 'major': 195, 'minor': 0}]}"), p);
        // only runc's default nodes and ptmx exist in the guest's /dev
        assertEquals(List.of("linux.devices[0]: /dev/fuse is a host device and is not passed into the VM",
                "linux.devices[1]: /dev/sda is a host device and is not passed into the VM",
                "linux.devices[2]: /dev/net/tun is a host device and is not passed into the VM",
                "linux.devices[3]: /dev/nvidia0 is a host device and is not passed into the VM"), p.warnings());
    }

    @Test
    void noDevicesNoWarnings() {
        SandboxPlan p = plan();
        new DevicesHandler().apply(spec(""), p);
        new DevicesHandler().apply(spec("'linux': {}"), p);
        assertEquals(List.of(), p.warnings());
    }
}
