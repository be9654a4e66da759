package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.core.config.ConfigLocator;
import io.cocoon.core.seccomp.SeccompCompiler;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.SpecHandler;
import io.cocoon.spi.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecPipelineTest {
    @TempDir Path bundle;

    private static final List<String> CORE_SECTIONS = List.of("root", "process", "mounts", "linux.namespaces", "hostname",
            "hooks", "vm", "linux.resources", "linux.devices", "linux.sysctl", "linux.seccomp", "linux.maskedPaths", "annotations");

    /** Records the VM memory it sees, so a test can tell where it ran. */
    private record Probe(String section, int order, List<String> log) implements SpecHandler {
        @Override public void apply(Spec spec, SandboxPlan plan) {
            log.add(section + "@" + plan.vm().memoryMiB() + ":" + (plan.process() != null));
            plan.extensions().put(section, order);
        }
    }

    @Test
    void coreHandlersRunInTheirOrder() {
        SpecPipeline p = new SpecPipeline(List.of());
        assertEquals(CORE_SECTIONS, p.handlers().stream().map(SpecHandler::section).toList());
        List<Integer> orders = p.handlers().stream().map(SpecHandler::order).toList();
        List<Integer> sorted = new ArrayList<>(orders);
        sorted.sort(null);
        assertEquals(sorted, orders);
        assertEquals(Set.copyOf(orders).size(), orders.size(), "no two core handlers share an order");
        assertEquals(CORE_SECTIONS, SpecPipeline.coreHandlers().stream().map(SpecHandler::section).toList());
    }

    @Test
    void pluginHandlersAreSortedInByOrder() {
        List<String> log = new ArrayList<>();
        SpecPipeline p = new SpecPipeline(List.of(new Probe("late", 950, log), new Probe("first", 50, log),
                new Probe("between", 250, log)));
        List<String> sections = p.handlers().stream().map(SpecHandler::section).toList();
        assertEquals("first", sections.get(0));
        assertEquals(sections.indexOf("linux.maskedPaths") + 1, sections.indexOf("between"));
        assertEquals(sections.indexOf("annotations") - 1, sections.indexOf("between"));
        assertEquals("late", sections.get(sections.size() - 1));
    }

    @Test
    void planRunsEveryHandlerAndPluginsSeeEarlierResults() throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        List<String> log = new ArrayList<>();
        SpecPipeline p = new SpecPipeline(List.of(new Probe("late", 950, log), new Probe("first", 50, log),
                new Probe("between", 250, log)));
        Spec spec = spec("""
                'root': {'path': 'rootfs'}, 'process': {'args': ['sh'], 'cwd': '/'}, 'hostname': 'h',
                'mounts': [{'destination': '/sys/fs/cgroup', 'type': 'cgroup'}],
                'annotations': {'io.cocoon.vm.memory': '1G'},
                'linux': {'namespaces': [{'type': 'uts'}, {'type': 'mount'}, {'type': 'pid', 'path': '/proc/self/ns/pid'}],
                          'resources': {'memory': {'limit': 268435456}}, 'sysctl': {'net.ipv4.ip_forward': '1'},
                          'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW'}, 'maskedPaths': ['/proc/kcore']}""");
        SandboxPlan plan = p.plan("c1", bundle, spec, new ConfigLocator(List.of(bundle)));
        assertEquals(List.of("first@2048:false", "between@320:true", "late@1024:true"), log);
        assertEquals("c1", plan.id());
        assertEquals(bundle.resolve("rootfs"), plan.rootfs());
        assertEquals("h", plan.hostname());
        assertEquals("cgroup2", plan.mounts().get(0).type());
        assertEquals(Set.of("uts", "mount", "pid"), plan.namespaces());
        assertEquals(1, plan.warnings().size());
        assertEquals(1024, plan.vm().memoryMiB(), "annotations win over linux.resources");
        assertTrue(plan.extensions().get(SeccompHandler.PROGRAM) instanceof SeccompCompiler.Program);
        assertEquals(List.of("/proc/kcore"), plan.maskedPaths());
        assertEquals("1", plan.sysctl().get("net.ipv4.ip_forward"));
    }

    @Test
    void theFirstFailingHandlerStopsThePlan() {
        List<String> log = new ArrayList<>();
        SpecPipeline p = new SpecPipeline(List.of(new Probe("after-root", 105, log)));
        SpecException e = assertThrows(SpecException.class,
                () -> p.plan("c1", bundle, spec("'process': {'args': ['sh'], 'cwd': '/'}"), n -> java.util.Optional.empty()));
        assertEquals("root: is required", e.getMessage());
        assertEquals(List.of(), log);
    }
}
