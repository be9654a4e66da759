package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SysctlHandlerTest {
    @Test
    void validKeysAreCopiedInOrder() {
        SandboxPlan p = plan();
        new SysctlHandler().apply(spec("'linux': {'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.shm_rmid_forced': '1',"
                + " 'net/ipv4/conf/eth0/forwarding': '0', 'net.ipv6.conf.all.disable_ipv6': '1', 'fs.mqueue.msg_max': '100'}}"), p);
        assertEquals(List.of("net.ipv4.ip_forward", "kernel.shm_rmid_forced", "net/ipv4/conf/eth0/forwarding",
                "net.ipv6.conf.all.disable_ipv6", "fs.mqueue.msg_max"), List.copyOf(p.sysctl().keySet()));
        assertEquals("0", p.sysctl().get("net/ipv4/conf/eth0/forwarding"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel", "net..ipv4", "../../etc/passwd", "net.ipv4 .x", "net.ipv4.", ".net", "net/../x", "a.b$c"})
    void badKeysAreRefusedNamingTheKey(String key) {
        SpecException e = assertThrows(SpecException.class,
                () -> new SysctlHandler().apply(spec("'linux': {'sysctl': {'" + key + "': '1'}}"), plan()));
        assertEquals("linux.sysctl." + key + ": is not a sysctl name", e.getMessage());
    }
}
