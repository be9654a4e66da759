package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathsHandlerTest {
    private static SandboxPlan apply(String linux) {
        SandboxPlan p = plan();
        new PathsHandler().apply(spec("'linux': {" + linux + "}"), p);
        return p;
    }

    @Test
    void pathsPropagationAndCgroupsPathAreCopied() {
        SandboxPlan p = apply("'maskedPaths': ['/proc/kcore', '/sys/firmware'], 'readonlyPaths': ['/proc/sys'],"
                + " 'rootfsPropagation': 'rslave', 'cgroupsPath': '/cocoon/abc'");
        assertEquals(List.of("/proc/kcore", "/sys/firmware"), p.maskedPaths());
        assertEquals(List.of("/proc/sys"), p.readonlyPaths());
        assertEquals("rslave", p.rootfsPropagation());
        assertEquals("/cocoon/abc", p.cgroupsPath());
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void relativePathsAreRefusedWithTheirIndex() {
        assertEquals("linux.maskedPaths[1]: must be an absolute path", assertThrows(SpecException.class,
                () -> apply("'maskedPaths': ['/proc/kcore', 'proc/keys']")).getMessage());
        assertEquals("linux.readonlyPaths[0]: must be an absolute path", assertThrows(SpecException.class,
                () -> apply("'readonlyPaths': ['']")).getMessage());
    }

    @Test
    void unknownPropagationIsRefused() {
        SpecException e = assertThrows(SpecException.class, () -> apply("'rootfsPropagation': 'recursive'"));
        assertEquals("linux.rootfsPropagation: unknown propagation \"recursive\"", e.getMessage());
        assertNull(apply("").rootfsPropagation());
        assertEquals("", apply("'rootfsPropagation': ''").rootfsPropagation());
    }

    @Test
    void mountLabelIsAWarning() {
        assertEquals(List.of("linux.mountLabel: SELinux labels are not applied in the guest"),
                apply("'mountLabel': 'system_u:object_r:container_file_t:s0'").warnings());
    }
}
