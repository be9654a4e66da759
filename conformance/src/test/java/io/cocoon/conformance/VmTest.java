package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocoon.spi.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that boot real VMs (QEMU, TCG here): a private state root per test, a busybox
 * bundle, and a check after each test that no VM and no state were left behind.
 */
@Tag("vm")
abstract class VmTest {
    /** Kept when a test fails, for its console and hypervisor logs. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path tmp;
    Cocoon cocoon;

    @BeforeEach
    void setUpRoot() {
        cocoon = Cocoon.image(tmp.resolve("root"));
    }

    Bundle bundle(String... args) throws IOException {
        return Bundle.busybox(tmp.resolve("bundle"), args);
    }

    Bundle namedBundle(String name, String... args) throws IOException {
        return Bundle.busybox(tmp.resolve(name), args);
    }

    Map<String, Object> state(String id) {
        Cocoon.Result r = cocoon.run("state", id);
        assertEquals(0, r.rc(), r::toString);
        return Json.parseObject(r.out());
    }

    String status(String id) {
        return String.valueOf(state(id).get("status"));
    }

    /** Waits (bounded) for a container to reach a status. */
    String awaitStatus(String id, String want, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        String s = status(id);
        while (!s.equals(want) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            s = status(id);
        }
        return s;
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        Path root = tmp.resolve("root");
        if (Files.isDirectory(root)) {
            try (var s = Files.list(root)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    if (!n.startsWith(".")) cocoon.run("delete", "--force", n);
                }
            }
        }
        Thread.sleep(100);
        List<Long> vms = Cocoon.pidsMatching(root.toString());
        vms.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        assertEquals(List.of(), vms, "VM or monitor processes left behind for " + root);
    }
}
