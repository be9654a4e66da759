package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import org.junit.jupiter.api.Test;

class HostnameHandlerTest {
    private static final String UTS = "'linux': {'namespaces': [{'type': 'uts'}]}";
    private final HostnameHandler handler = new HostnameHandler();

    @Test
    void hostnameAndDomainnameWithUtsNamespace() {
        SandboxPlan p = plan();
        handler.apply(spec("'hostname': 'web1', 'domainname': 'example.org', " + UTS), p);
        assertEquals("web1", p.hostname());
        assertEquals("example.org", p.domainname());
    }

    @Test
    void hostnameWithoutUtsNamespaceIsRefused() {
        SpecException e = assertThrows(SpecException.class,
                () -> handler.apply(spec("'hostname': 'web1', 'linux': {'namespaces': [{'type': 'pid'}]}"), plan()));
        assertEquals("hostname: cannot be set without a private uts namespace in linux.namespaces", e.getMessage());
        e = assertThrows(SpecException.class, () -> handler.apply(spec("'domainname': 'x.org'"), plan()));
        assertEquals("domainname", e.path());
    }

    @Test
    void emptyHostnameNeedsNoNamespace() {
        SandboxPlan p = plan();
        handler.apply(spec("'hostname': ''"), p);
        assertEquals("", p.hostname());
        handler.apply(spec(""), p);
        assertEquals("", p.hostname());
    }

    @Test
    void hostnameLongerThan64IsRefused() {
        handler.apply(spec("'hostname': '" + "h".repeat(64) + "', " + UTS), plan());
        SpecException e = assertThrows(SpecException.class,
                () -> handler.apply(spec("'hostname': '" + "h".repeat(65) + "', " + UTS), plan()));
        assertEquals("hostname: must be at most 64 characters", e.getMessage());
    }
}
