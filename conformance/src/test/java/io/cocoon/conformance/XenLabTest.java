package io.cocoon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The xen-xl driver on a real Xen: {@code conformance/xen-lab/lab.sh} boots Xen 4.17 and a PV
 * dom0 nested in QEMU (TCG) with the built image on a 9p share, and runs Cocoon inside dom0:
 * {@code cocoon run} of busybox (output, exit status), create / start / exec / pause / resume /
 * kill / delete, nothing left in {@code xl list}; two containers on a CNI bridge network, the
 * second fetching a page from the first, and no namespace, vif or lease left; next to it, the time of a bare {@code xl create}
 * of the same kernel and initramfs. Several minutes, so only with {@code -Dcocoon.xen=1}
 * (README); {@code -Dcocoon.xen.runs=N} sets the timed rounds (3).
 */
@Tag("vm")
@Timeout(1500)
class XenLabTest {
    /** What dom0-run.sh must report as passed. */
    static final List<String> REQUIRED = List.of("cocoon-run-echo", "cocoon-run-exit-status", "create", "create-made-a-domain",
            "start", "exec", "pause", "pause-paused-the-domain", "resume", "resume-unpaused-the-domain", "kill", "delete",
            "run-leaves-only-dom0", "lifecycle-leaves-only-dom0", "no-state-left", "no-qemu-left",
            "create-standby-vif", "net-vif-in-netns", "net-first-address", "net-second-reaches-first", "net-leaves-only-dom0",
            "net-leaves-nothing");
    static final long LAB_TIMEOUT_S = 1200;

    @Test
    void cocoonRunsContainersAsXenDomains() throws Exception {
        assumeTrue("1".equals(System.getProperty("cocoon.xen")), "the nested Xen lab runs only with -Dcocoon.xen=1");
        Path lab = Path.of("xen-lab/lab.sh").toAbsolutePath();
        Path out = Path.of("target/xen-lab").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(lab.toString(), out.toString()).redirectErrorStream(true)
                .redirectOutput(Path.of("target/xen-lab.log").toFile());
        pb.environment().put("COCOON_IMAGE", System.getProperty("cocoon.image", "../distribution/target/image"));
        pb.environment().put("XEN_LAB_RUNS", System.getProperty("cocoon.xen.runs", "3"));
        pb.environment().put("XEN_LAB_TIMEOUT", String.valueOf(LAB_TIMEOUT_S - 60));
        Process p = pb.start();
        if (!p.waitFor(LAB_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("xen-lab/lab.sh did not finish within " + LAB_TIMEOUT_S + " s; its output: target/xen-lab.log: " + tail("target/xen-lab.log"));
        }
        Path results = out.resolve("share/out/results.txt");
        List<String> lines = Files.exists(results) ? Files.readAllLines(results) : List.of();
        List<String> failed = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
        Map<String, List<Double>> times = new TreeMap<>();
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f.length == 3 && f[0].equals("TIME")) times.computeIfAbsent(f[1], k -> new ArrayList<>()).add(Double.parseDouble(f[2]));
        }
        times.forEach((k, v) -> System.out.printf("xen-lab %s: median %.2f s of %s%n", k, median(v), v));
        lines.stream().filter(l -> l.startsWith("NOTE ")).forEach(System.out::println);
        assertEquals(List.of(), failed, "xen-lab failures (logs in " + out.resolve("share/out") + ")");
        assertEquals(0, p.exitValue(), "xen-lab/lab.sh: " + tail("target/xen-lab.log"));
        assertTrue(lines.contains("END"), "dom0-run.sh did not finish: " + lines);
        for (String r : REQUIRED) assertTrue(lines.contains("PASS " + r), "no PASS " + r + " in " + results);
        assertTrue(times.containsKey("cocoon-run-echo") && times.containsKey("bare-xl-create-to-init"), "no timings in " + results);
    }

    static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The lab's last lines: its own words about what failed. */
    static String tail(String file) {
        try {
            List<String> l = Files.readAllLines(Path.of(file));
            return String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size()));
        } catch (java.io.IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
