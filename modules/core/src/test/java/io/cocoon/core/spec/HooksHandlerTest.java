package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.oci.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

class HooksHandlerTest {
    private final HooksHandler handler = new HooksHandler();

    @Test
    void hostSideHooksAreTakenWithoutWarnings() {
        Spec s = spec("'hooks': {'prestart': [{'path': '/a'}], 'createRuntime': [{'path': '/b'}],"
                + " 'poststart': [{'path': '/c'}], 'poststop': [{'path': '/d', 'timeout': 5}]}");
        SandboxPlan p = plan();
        handler.apply(s, p);
        assertSame(s.hooks(), p.hooks());
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void containerSideHooksRunOnTheHostWithAWarning() {
        SandboxPlan p = plan();
        handler.apply(spec("'hooks': {'createContainer': [{'path': '/a'}], 'startContainer': [{'path': '/b'}]}"), p);
        assertEquals(List.of("hooks.createContainer: runs on the host, not in the container's namespaces",
                "hooks.startContainer: runs on the host, not in the container's namespaces"), p.warnings());
        assertEquals("/b", p.hooks().startContainer().get(0).path());
    }

    @Test
    void noHooksGivesNone() {
        SandboxPlan p = plan();
        handler.apply(spec(""), p);
        assertSame(Spec.Hooks.NONE, p.hooks());
    }
}
