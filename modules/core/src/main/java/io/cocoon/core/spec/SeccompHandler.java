package io.cocoon.core.spec;

import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;

/**
 * {@code linux.seccomp}: compiled to BPF on the host now, so a bad profile fails at create with
 * the path of the bad field, and the agent only installs the result.
 */
public final class SeccompHandler implements SpecHandler {
    /** Extension key under which the compiled {@link SeccompCompiler.Program} is kept. */
    public static final String PROGRAM = "cocoon.seccomp.program";

    @Override public String section() { return "linux.seccomp"; }
    @Override public int order() { return 230; }

    @Override
    public void apply(Spec spec, SandboxPlan plan) {
        if (spec.linux() == null || spec.linux().seccomp() == null) return;
        plan.seccomp(spec.linux().seccomp());
        plan.extensions().put(PROGRAM, SeccompCompiler.compile(spec.linux().seccomp()));
    }
}
