package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.oci.Spec;
import org.junit.jupiter.api.Test;

class SeccompHandlerTest {
    @Test
    void profileIsCompiledIntoTheExtensions() {
        Spec s = spec("'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'flags': ['SECCOMP_FILTER_FLAG_LOG'],"
                + " 'syscalls': [{'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW'}]}}");
        SandboxPlan p = plan();
        new SeccompHandler().apply(s, p);
        assertEquals(s.linux().seccomp(), p.seccomp());
        SeccompCompiler.Program prog = assertInstanceOf(SeccompCompiler.Program.class, p.extensions().get(SeccompHandler.PROGRAM));
        assertEquals(2, prog.flags());
        assertTrue(prog.instructions() > 6 && prog.filter().length == prog.instructions() * 8);
    }

    @Test
    void badProfileFailsWithThePath() {
        SpecException e = assertThrows(SpecException.class, () -> new SeccompHandler().apply(spec(
                "'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_PANIC'}]}}"),
                plan()));
        assertEquals("linux.seccomp.syscalls[0].action: unknown action SCMP_ACT_PANIC", e.getMessage());
    }

    @Test
    void noProfileNoProgram() {
        SandboxPlan p = plan();
        new SeccompHandler().apply(spec("'linux': {}"), p);
        assertNull(p.seccomp());
        assertFalse(p.extensions().containsKey(SeccompHandler.PROGRAM));
    }
}
