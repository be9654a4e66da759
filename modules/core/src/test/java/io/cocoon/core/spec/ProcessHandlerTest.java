package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.oci.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessHandlerTest {
    private final ProcessHandler handler = new ProcessHandler();

    private static String process(String extra) {
        return "'process': {'args': ['/bin/app', '-v'], 'cwd': '/'" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    private static SpecException refused(String members) {
        return assertThrows(SpecException.class, () -> new ProcessHandler().apply(spec(members), plan()));
    }

    @Test
    void validProcessIsPutInThePlanWithoutWarnings() {
        Spec s = spec(process("'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_SYS_ADMIN']},"
                + " 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1024, 'soft': 512},"
                + " {'type': 'RLIMIT_CORE', 'hard': 18446744073709551615, 'soft': 18446744073709551615}]"));
        SandboxPlan p = plan();
        handler.apply(s, p);
        assertSame(s.process(), p.process());
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void processIsRequired() {
        assertEquals("process: is required", refused("").getMessage());
    }

    @Test
    void argsMustBeNonEmptyWithANonEmptyFirstArgument() {
        assertEquals("process.args: must be a non-empty array",
                refused("'process': {'commandLine': 'x', 'cwd': '/'}").getMessage());
        assertEquals("process.args[0]: must not be empty",
                refused("'process': {'args': ['', 'x'], 'cwd': '/'}").getMessage());
    }

    @Test
    void unknownCapabilitiesAreWarnedAboutNotRefused() {
        SandboxPlan p = plan();
        handler.apply(spec(process("'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_FLY'], 'ambient': ['CAP_NOPE']}")), p);
        assertEquals(List.of("process.capabilities.bounding[1]: unknown capability CAP_FLY ignored",
                "process.capabilities.ambient[0]: unknown capability CAP_NOPE ignored"), p.warnings());
    }

    @Test
    void rlimitsAreChecked() {
        assertEquals("process.rlimits[1].type: unknown rlimit \"RLIMIT_BOGUS\"", refused(process(
                "'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1, 'soft': 1}, {'type': 'RLIMIT_BOGUS', 'hard': 1, 'soft': 1}]"))
                .getMessage());
        assertEquals("process.rlimits[0].soft: must not exceed hard",
                refused(process("'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 10, 'soft': 11}]")).getMessage());
        assertEquals("process.rlimits[0].soft: must not exceed hard", refused(process(
                "'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 10, 'soft': 18446744073709551615}]")).getMessage(),
                "unlimited soft is larger than any finite hard limit");
    }

    @Test
    void apparmorAndSelinuxAreWarnings() {
        SandboxPlan p = plan();
        handler.apply(spec(process("'apparmorProfile': 'docker-default', 'selinuxLabel': 'system_u:system_r:container_t:s0'")), p);
        assertEquals(List.of("process.apparmorProfile: AppArmor is not available in the guest; ignored",
                "process.selinuxLabel: SELinux is not available in the guest; ignored"), p.warnings());
    }

    @Test
    void execValidationUsesTheGivenBaseAndNeedsNoPlan() {
        Spec.Process p = spec(process("'capabilities': {'effective': ['CAP_FLY']}")).process();
        ProcessHandler.validate(p, "(process.json)", null);
        SpecException e = assertThrows(SpecException.class,
                () -> ProcessHandler.validate(p.withArgs(List.of()), "exec", null));
        assertEquals("exec.args: must be a non-empty array", e.getMessage());
    }
}
