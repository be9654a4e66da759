package io.cocoon.core.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocoon.core.cgroup.HostCgroup;
import io.cocoon.spi.HostBind;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.oci.Spec;
import io.cocoon.spi.VmPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** launch.json carries everything the monitor needs, unchanged. */
class LaunchSpecTest {
    @Test
    void roundTrip() {
        VmPlan vm = new VmPlan("c1", "uuid", Path.of("/s/c1"), 2, 384, Path.of("/k"), null, List.of("quiet"), Path.of("/q"),
                List.of("-x"), List.of("@KERNEL@"), List.of(new VmDevice.Share("rootfs", Path.of("/r"), true),
                new VmDevice.NetTap("tap1", "02:00:00:00:00:02", 1400), new VmDevice.Disk(Path.of("/d.img"), false, "qcow2")),
                Path.of("/s/.s/a/agent.sock"), Path.of("/s/c1/console.log"), Path.of("/l/c1.log"), "tcg", Path.of("/r"),
                Duration.ofMillis(12345), Map.of("a", "b"));
        LaunchSpec l = new LaunchSpec("c1", "1.2.0", "/b", "/b/rootfs", "qemu-lite", vm, new byte[] {1, 2, 3, (byte) 0xC0},
                true, "/tmp/console.sock", 12345, "/cg/c1", Map.of("k", "v"), new HostCgroup.Limits(1 << 30, 50000, 100000, 512),
                new byte[] {9, 8}, new Spec.Hooks(List.of(new Spec.Hook("/bin/true", List.of("true", "a"), List.of("X=1"), 5)),
                List.of(), List.of(), List.of(), List.of(), List.of(new Spec.Hook("/bin/hook", List.of(), List.of(), null))),
                List.of(new HostBind(Path.of("/b/rootfs"), Path.of("/s/c1/shared/c1/rootfs"), true, true),
                        new HostBind(Path.of("/etc/hosts"), Path.of("/s/c1/shared/c1/m/0"), false, false)), true);
        LaunchSpec back = LaunchSpec.fromJson(l.toJson());
        assertEquals(vm, back.vm());
        assertArrayEquals(l.create(), back.create());
        assertEquals(l.consoleSocket(), back.consoleSocket());
        assertEquals(l.terminal(), back.terminal());
        assertEquals(l.annotations(), back.annotations());
        assertEquals(l.cgroupsPath(), back.cgroupsPath());
        assertEquals(l.hostLimits(), back.hostLimits());
        assertArrayEquals(l.guestUpdate(), back.guestUpdate());
        assertEquals(l.hooks(), back.hooks(), "hooks are parsed once, by create, and travel in launch.json");
        assertEquals(l.hostBinds(), back.hostBinds());
        assertEquals(true, back.lateNetwork(), "planned as create plans: a checkpoint of it records a standby NIC");
        assertEquals(false, LaunchSpec.fromJson(l.toJson().replace("\"lateNetwork\": true", "\"lateNetwork\": false")).lateNetwork());
    }
}
