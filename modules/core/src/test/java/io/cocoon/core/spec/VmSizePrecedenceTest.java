package io.cocoon.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocoon.core.config.ConfigLocator;
import io.cocoon.spi.SandboxPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** defaults → vm.json → config.json vm → linux.resources → annotations: the later wins. */
class VmSizePrecedenceTest {
    @Test
    void linuxResourcesWinOverVmJson(@TempDir Path bundle) throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("vm.json"), "{\"vm\": {\"memory\": 256, \"cpus\": 1}}");
        SandboxPlan plan = new SpecPipeline(List.of()).plan("c1", bundle, SpecFixture.spec(
                "'root': {'path': 'rootfs'}, 'process': {'args': ['sh'], 'cwd': '/'},"
                        + " 'linux': {'resources': {'memory': {'limit': 2147483648}}}"), new ConfigLocator(List.of(bundle)));
        assertEquals(2048 + 64, plan.vm().memoryMiB());
    }

    @Test
    void annotationsWinOverLinuxResources(@TempDir Path bundle) throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        SandboxPlan plan = new SpecPipeline(List.of()).plan("c1", bundle, SpecFixture.spec(
                "'root': {'path': 'rootfs'}, 'process': {'args': ['sh'], 'cwd': '/'},"
                        + " 'annotations': {'io.cocoon.vm.memory': '512M'},"
                        + " 'linux': {'resources': {'memory': {'limit': 2147483648}}}"), new ConfigLocator(List.of(bundle)));
        assertEquals(512, plan.vm().memoryMiB());
    }
}
