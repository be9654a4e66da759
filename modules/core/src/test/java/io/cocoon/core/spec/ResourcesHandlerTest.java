package io.cocoon.core.spec;

import static io.cocoon.core.spec.SpecFixture.plan;
import static io.cocoon.core.spec.SpecFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.SpecException;
import io.cocoon.spi.oci.Linux;
import io.cocoon.spi.oci.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesHandlerTest {
    private final ResourcesHandler handler = new ResourcesHandler();

    private SandboxPlan apply(String resources) {
        SandboxPlan p = plan();
        handler.apply(spec("'linux': {'resources': {" + resources + "}}"), p);
        return p;
    }

    @Test
    void memoryLimitSizesTheVmWithOverhead() {
        SandboxPlan p = apply("'memory': {'limit': 536870912}");
        assertEquals(512 + 64, p.vm().memoryMiB());
        assertEquals("linux.resources.memory.limit", p.vm().sources().get("memory"));
        assertEquals(536870912L, p.resources().memory().limit());
    }

    @Test
    void partialMebibytesRoundUp() {
        assertEquals(513 + 64, apply("'memory': {'limit': 536870913}").vm().memoryMiB());
    }

    @Test
    void smallLimitsGetTheMinimumVm() {
        assertEquals(128, apply("'memory': {'limit': 33554432}").vm().memoryMiB());
        assertEquals(128, apply("'memory': {'limit': 4194304}").vm().memoryMiB());
        SpecException e = assertThrows(SpecException.class, () -> apply("'memory': {'limit': 4194303}"));
        assertEquals("linux.resources.memory.limit: must be at least 4 MiB", e.getMessage());
    }

    @Test
    void unlimitedOrAbsentMemoryKeepsTheDefault() {
        SandboxPlan p = apply("'memory': {'limit': -1}");
        assertEquals(io.cocoon.spi.VmSettings.DEFAULT_MEMORY_MIB, p.vm().memoryMiB());
        assertFalse(p.vm().sources().containsKey("memory"));
        assertEquals(io.cocoon.spi.VmSettings.DEFAULT_MEMORY_MIB, apply("'memory': {'reservation': 1048576}").vm().memoryMiB());
    }

    @Test
    void whatTheGuestsCgroupV2CannotDoIsAWarning() {
        SandboxPlan p = apply("'memory': {'limit': 50331648, 'reservation': 33554432, 'swap': 100663296, 'swappiness': 10, 'disableOOMKiller': true}");
        assertEquals(List.of("linux.resources.memory.swap: the guest has no swap device: the container cannot swap, whatever the limit",
                "linux.resources.memory.swappiness: the guest's cgroup v2 has no per-cgroup swappiness (nor has the guest swap)",
                "linux.resources.memory.disableOOMKiller: the guest's cgroup v2 cannot disable the OOM killer; at its limit a process is OOM-killed (the oom event of `events`)"),
                p.warnings());
        assertEquals(List.of(), apply("'memory': {'limit': 50331648, 'swap': 50331648, 'reservation': 1048576}").warnings(), "swap = limit: no swap asked");
    }

    @Test
    void cpuQuotaSizesTheVcpus() {
        int cpus = Runtime.getRuntime().availableProcessors();
        SandboxPlan p = apply("'cpu': {'quota': 150000, 'period': 100000}");
        assertEquals(Math.min(2, cpus), p.vm().vcpus());
        assertEquals("linux.resources.cpu.quota", p.vm().sources().get("vcpus"));
        assertEquals(1, apply("'cpu': {'quota': 50000, 'period': 100000}").vm().vcpus());
        assertEquals(Math.min(2, cpus), apply("'cpu': {'quota': 200000}").vm().vcpus(), "default period is 100 ms");
        assertEquals(cpus, apply("'cpu': {'quota': 100000000, 'period': 1000}").vm().vcpus(), "capped at the host's cpus");
        assertEquals(1, apply("'cpu': {'quota': -1, 'shares': 512}").vm().vcpus(), "no quota: default");
    }

    @Test
    void zeroPidsLimitIsRefused() {
        SpecException e = assertThrows(SpecException.class, () -> apply("'pids': {'limit': 0}"));
        assertEquals("linux.resources.pids.limit", e.path());
        assertEquals(100, apply("'pids': {'limit': 100}").resources().pids().limit());
    }

    @Test
    void hugepagesAreAWarning() {
        SandboxPlan p = apply("'hugepageLimits': [{'pageSize': '2MB', 'limit': 1048576}]");
        assertEquals(List.of("linux.resources.hugepageLimits: not applied in the guest"), p.warnings());
    }

    @Test
    void noResourcesLeavesThePlanAlone() {
        SandboxPlan p = plan();
        handler.apply(spec("'linux': {}"), p);
        handler.apply(spec(""), p);
        assertSame(Linux.Resources.NONE, p.resources());
        assertEquals(io.cocoon.spi.VmSettings.DEFAULT_MEMORY_MIB, p.vm().memoryMiB());
        Spec s = spec("'linux': {'resources': {}}");
        handler.apply(s, p);
        assertSame(s.linux().resources(), p.resources());
    }
}
