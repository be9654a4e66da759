package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountsHandlerTest {
    @TempDir Path bundle;
    private final MountsHandler handler = new MountsHandler();

    private SandboxPlan apply(String mounts) {
        SandboxPlan p = plan(bundle);
        handler.apply(spec("'mounts': [" + mounts + "]"), p);
        return p;
    }

    private SpecException refused(String mounts) {
        return assertThrows(SpecException.class, () -> apply(mounts));
    }

    @Test
    void plainMountsPassThroughInOrder() {
        SandboxPlan p = apply("{'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
                + "{'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'mode=755']}");
        assertEquals(List.of(new Spec.Mount("/proc", "proc", "proc", List.of()),
                new Spec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "mode=755"))), p.mounts());
    }

    @Test
    void cgroupMountBecomesCgroup2() {
        SandboxPlan p = apply("{'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup', 'options': ['ro', 'nosuid']}");
        assertEquals(List.of(new Spec.Mount("/sys/fs/cgroup", "cgroup2", "cgroup2", List.of("ro", "nosuid"))), p.mounts());
    }

    @Test
    void bindSourcesResolveAgainstTheBundle() throws IOException {
        Files.createDirectories(bundle.resolve("data"));
        Files.writeString(bundle.resolve("hosts"), "127.0.0.1 localhost\n");
        SandboxPlan p = apply("{'destination': '/data', 'source': 'data', 'options': ['rbind', 'ro']},"
                + "{'destination': '/etc/hosts', 'type': 'bind', 'source': './hosts'},"
                + "{'destination': '/abs', 'type': 'none', 'source': '" + bundle.resolve("data") + "', 'options': ['bind']}");
        assertEquals(List.of(new Spec.Mount("/data", "bind", bundle.resolve("data").toString(), List.of("rbind", "ro")),
                new Spec.Mount("/etc/hosts", "bind", bundle.resolve("hosts").toString(), List.of()),
                new Spec.Mount("/abs", "none", bundle.resolve("data").toString(), List.of("bind"))), p.mounts());
    }

    @Test
    void missingBindSourceIsRefused() {
        SpecException e = refused("{'destination': '/proc', 'type': 'proc'}, {'destination': '/x', 'type': 'bind', 'source': 'nope'}");
        assertEquals("mounts[1].source", e.path());
        assertEquals("mounts[1].source: " + bundle.resolve("nope") + " does not exist", e.getMessage());
        assertEquals("mounts[0].source: is required for a bind mount",
                refused("{'destination': '/x', 'options': ['rbind']}").getMessage());
    }

    @Test
    void relativeDestinationIsRefused() {
        SpecException e = refused("{'destination': '/ok', 'type': 'tmpfs'}, {'destination': 'rel/path', 'type': 'tmpfs'}");
        assertEquals("mounts[1].destination: must be an absolute path", e.getMessage());
    }
}
