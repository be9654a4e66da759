package io.cocoon.hypervisor.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocoon.spi.CocoonException;
import io.cocoon.spi.HostCheck;
import io.cocoon.spi.Vm;
import io.cocoon.spi.VmDevice;
import io.cocoon.spi.VmPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xen-xl driver against a recording fake {@code xl}: the generated domain config (a golden
 * file), the sequence of xl calls of a lifecycle, and xl's own messages in the errors. The real
 * Xen run is the integration test of the Xen issue.
 */
@Timeout(60)
class XenXlTest {
    @TempDir Path tmp;

    static VmPlan plan(Path stateDir, Path xl, List<VmDevice> devices, Map<String, String> annotations) {
        return new VmPlan("c1", "0f826a89-cf68-3399-85f4-cf320c1a5842", stateDir, 2, 512,
                Path.of("/k/vmlinux"), Path.of("/k/initrd"), List.of("quiet", "console=ttyS0", "cocoon.x=\"a b\""), xl, List.of(),
                List.of(), devices, Path.of("/run/cocoon/.s/abc/agent.sock"), null, null, "auto",
                Path.of("/b/rootfs"), Duration.ofSeconds(30), annotations);
    }

    /** A fake xl: records every call, keeps "the domain" as a file, fails the calls named in FAIL_<verb> files. */
    Path fakeXl() throws IOException {
        Path xl = tmp.resolve("xl");
        Files.writeString(xl, """
                #!/bin/sh
                d=%s
                echo "$*" >> "$d/calls"
                if [ -f "$d/FAIL_$1" ]; then cat "$d/FAIL_$1" >&2; exit 3; fi
                case "$1" in
                  create) touch "$d/domain"
                          n=$(sed -n 's/^name = "\\(.*\\)"$/\\1/p' "$3")
                          [ -f "$d/QUIET_create" ] || echo "Waiting for domain $n (domid 7) to die [pid $$]"
                          while [ -f "$d/domain" ]; do sleep 0.05; done; echo "Domain 7 has been destroyed."; exit 0 ;;
                  domid) [ -f "$d/domain" ] && { echo 7; exit 0; }
                         echo "Can't get domid of domain name '$2', maybe this domain does not exist." >&2; exit 1 ;;
                  destroy|shutdown) rm -f "$d/domain" ;;
                esac
                exit 0
                """.formatted(tmp));
        Files.setPosixFilePermissions(xl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return xl;
    }

    Path dom0() throws IOException {
        return Files.writeString(tmp.resolve("capabilities"), "control_d\n");
    }

    List<String> calls() throws IOException {
        return Files.exists(tmp.resolve("calls")) ? Files.readAllLines(tmp.resolve("calls")) : List.of();
    }

    @Test
    void theDomainConfigIsTheGoldenOne() throws IOException {
        VmPlan p = plan(tmp, null, List.of(new VmDevice.Share("cocoon", Path.of("/run/cocoon/c1/shared"), false),
                new VmDevice.Disk(Path.of("/img/root.img"), true, "raw")), Map.of());
        String golden = new String(getClass().getResourceAsStream("pvh-share-disk.cfg").readAllBytes());
        assertEquals(golden, XlConfig.render(p));
        assertTrue(XlConfig.render(plan(tmp, null, List.of(), Map.of("io.cocoon.xen.type", "pv"))).contains("type = \"pv\"\n"));
    }

    static VmPlan withNics(Path stateDir, Path xl, Path netns) {
        VmPlan p = plan(stateDir, xl, List.of(new VmDevice.Share("cocoon", Path.of("/run/cocoon/c1/shared"), false),
                new VmDevice.NetTap("tap0_cc", "02:00:00:00:00:01", 1500), new VmDevice.NetTap("tap1_cc", "02:00:00:00:00:02", 9000)), Map.of());
        return new VmPlan(p.id(), p.uuid(), p.stateDir(), p.vcpus(), p.memoryMiB(), p.kernel(), p.initrd(), p.kernelParams(),
                p.hypervisorPath(), p.hypervisorParams(), p.template(), p.devices(), p.agentSocket(), p.consoleLog(), p.hypervisorLog(),
                p.accelerator(), p.workloadDir(), p.bootTimeout(), p.annotations(), netns);
    }

    /** NICs are vifs with the planned MACs, and the state directory's hotplug script (both golden). */
    @Test
    void nicsAreVifsWithCocoonsHotplugScript() throws IOException {
        VmPlan p = withNics(Path.of("/run/cocoon/c1"), null, Path.of("/run/netns/cocoon-ab'c"));
        assertEquals(new String(getClass().getResourceAsStream("pvh-share-vifs.cfg").readAllBytes()), XlConfig.render(p));
        VifScript.Tools tools = new VifScript.Tools(Path.of("/usr/bin/nsenter"), Path.of("/usr/sbin/ip"), Path.of("/usr/bin/xenstore-write"));
        assertEquals(new String(getClass().getResourceAsStream("xen-vif.sh").readAllBytes()), VifScript.render(p, tools));
        assertEquals(null, VifScript.render(plan(tmp, null, List.of(), Map.of()), tools), "no NIC, no script");
    }

    /**
     * The script, run as libxl runs it (online, with vif and XENBUS_PATH) against a recording
     * nsenter and xenstore-write: vif 1 goes into the namespace as the second NIC's tap name.
     */
    @Test
    void theHotplugScriptMovesVifNIntoTheNamespaceAsNicN() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("nsenter", "xenstore-write")) {
            Path t = bin.resolve(tool);
            Files.writeString(t, "#!/bin/sh\necho \"" + tool + " $*\" >> " + tmp.resolve("calls") + "\n");
            Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path script = tmp.resolve("xen-vif");
        VifScript.Tools tools = new VifScript.Tools(bin.resolve("nsenter"), Path.of("/sbin/ip"), bin.resolve("xenstore-write"));
        Files.writeString(script, VifScript.render(withNics(tmp, null, Path.of("/proc/4242/ns/net")), tools));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        for (String action : List.of("online", "offline")) {
            ProcessBuilder pb = new ProcessBuilder(script.toString(), action, "type_if=vif").redirectErrorStream(true);
            pb.environment().put("PATH", "/nowhere");
            pb.environment().put("vif", "vif7.1");
            pb.environment().put("XENBUS_PATH", "backend/vif/7/1");
            Process pr = pb.start();
            assertTrue(pr.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, pr.exitValue(), new String(pr.getInputStream().readAllBytes()));
        }
        assertEquals(List.of("nsenter --net=/proc/1/ns/net /sbin/ip link set dev vif7.1 netns /proc/4242/ns/net",
                "nsenter --net=/proc/4242/ns/net /sbin/ip link set dev vif7.1 name tap1_cc",
                "xenstore-write backend/vif/7/1/hotplug-status connected"), calls(), "online moves it; offline does nothing");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "online").redirectErrorStream(true);
        pb.environment().put("PATH", "/nowhere");
        pb.environment().put("vif", "vif7.2");
        pb.environment().put("XENBUS_PATH", "backend/vif/7/2");
        Process pr = pb.start();
        assertTrue(pr.waitFor(10, TimeUnit.SECONDS));
        assertEquals(1, pr.exitValue(), "a vif the plan has no NIC for fails its hotplug");
        assertEquals("cocoon: no NIC planned for backend/vif/7/2", new String(pr.getInputStream().readAllBytes()).strip());
    }

    @Test
    void whatXenCannotDoIsRefusedInOneLine() {
        CocoonException e = assertThrows(CocoonException.class, () -> XlConfig.render(plan(tmp, null, List.of(), Map.of("io.cocoon.xen.type", "hvm"))));
        assertEquals("xen-xl: io.cocoon.xen.type must be pvh or pv, not \"hvm\"", e.getMessage());
        e = assertThrows(CocoonException.class, () -> VifScript.render(plan(tmp, null, List.of(new VmDevice.NetTap("tap0", "02:00:00:00:00:01", 1500)), Map.of()),
                new VifScript.Tools(Path.of("/n"), Path.of("/i"), Path.of("/x"))));
        assertEquals("xen-xl: the plan has NICs but no network namespace to put them in", e.getMessage());
        e = assertThrows(CocoonException.class, () -> XlConfig.render(plan(Path.of("/run/a,b"), null, List.of(new VmDevice.NetTap("tap0", "02:00:00:00:00:01", 1500)), Map.of())));
        assertEquals("xen-xl: a vif's script path cannot hold a comma: /run/a,b/xen-vif", e.getMessage());
        e = assertThrows(CocoonException.class, () -> XlConfig.q("a\nb"));
        assertTrue(e.getMessage().contains("newline"));
    }

    @Test
    void aLifecycleIsThisSequenceOfXlCalls() throws Exception {
        Path xl = fakeXl();
        XenXl x = new XenXl(dom0());
        Path state = tmp.resolve("state");
        Vm vm = x.launch(plan(state, xl, List.of(), Map.of()));
        assertTrue(vm.isAlive());
        assertEquals("xen", vm.accelerator());
        assertEquals(List.of(xl.toString(), "create", "-F", state.resolve("xl.cfg").toString()), vm.commandLine());
        assertTrue(Files.readString(state.resolve("xl.cfg")).startsWith("name = \"cocoon-c1\"\n"));
        vm.pause();
        vm.resume();
        vm.stop(Duration.ofSeconds(5));
        assertEquals(0, vm.onExit().get(10, TimeUnit.SECONDS), "xl -F ends with the domain");
        List<String> c = calls();
        // xl -F unpauses the domain itself; its own line says the domain runs, so no domid poll was needed
        assertEquals(List.of("create -F " + state.resolve("xl.cfg"), "pause cocoon-c1", "unpause cocoon-c1", "shutdown cocoon-c1"),
                c.stream().filter(l -> !l.startsWith("domid")).toList());
        assertFalse(c.get(0).startsWith("domid"), "no xl domid before xl create had a second: " + c);
    }

    @Test
    void killDestroysTheDomainAndCleanupDestroysALeftOne() throws Exception {
        Path xl = fakeXl();
        XenXl x = new XenXl(dom0());
        Path state = tmp.resolve("state");
        Vm vm = x.launch(plan(state, xl, List.of(), Map.of()));
        vm.kill();
        vm.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(vm.isAlive());
        assertTrue(calls().contains("destroy cocoon-c1"));
        // a monitor killed with its domain running: cleanup finds the domain by its recorded name
        Files.writeString(tmp.resolve("domain"), "");
        x.cleanup(state);
        assertFalse(Files.exists(tmp.resolve("domain")));
        assertEquals(2, calls().stream().filter(l -> l.equals("destroy cocoon-c1")).count());
    }

    @Test
    void xlsOwnMessageIsQuoted() throws Exception {
        Path xl = fakeXl();
        Files.writeString(tmp.resolve("FAIL_create"), "Parsing config from /x/xl.cfg\nlibxl: error: libxl_create.c:720:libxl__domain_make: domain creation fail: Cannot allocate memory\n");
        XenXl x = new XenXl(dom0());
        CocoonException e = assertThrows(CocoonException.class, () -> x.launch(plan(tmp.resolve("s"), xl, List.of(), Map.of())));
        assertEquals("xen-xl: xl create failed: libxl: error: libxl_create.c:720:libxl__domain_make: domain creation fail: Cannot allocate memory",
                e.getMessage());
        Files.delete(tmp.resolve("FAIL_create"));
        assertFalse(Files.exists(tmp.resolve("domain")), "a failed launch destroys what it made");
    }

    /** A failing vif script: libxl's first error, with the script's own line, not the teardown's last words. */
    @Test
    void aFailedHotplugIsQuotedWithTheScriptsOwnLine() {
        String said = """
                Parsing config from /run/cocoon/x/xl.cfg
                libxl: error: libxl_console.c:271:libxl__device_console_add: Domain 5:Primary console has invalid configuration
                ip: invalid argument 'x' to 'netns'
                libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: /run/cocoon/x/xen-vif online [501] exited with error status 1
                libxl: error: libxl_create.c:1921:domcreate_attach_devices: Domain 5:unable to add vif devices
                libxl: error: libxl_domain.c:1064:domain_destroy_cb: Domain 5:Destruction of domain failed
                """;
        assertEquals("libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: /run/cocoon/x/xen-vif online [501] exited with error status 1"
                + " (ip: invalid argument 'x' to 'netns')", XenDomain.cause(said, 3));
        assertEquals("exit status 3", XenDomain.cause("", 3));
    }

    /** An xl that does not say "Waiting for domain": the domain is found by xl domid, once a second. */
    @Test
    void withoutXlsLineTheDomainIsFoundByDomid() throws Exception {
        Path xl = fakeXl();
        Files.writeString(tmp.resolve("QUIET_create"), "");
        Vm vm = new XenXl(dom0()).launch(plan(tmp.resolve("s"), xl, List.of(), Map.of()));
        assertTrue(vm.isAlive());
        assertTrue(calls().contains("domid cocoon-c1"), calls().toString());
        vm.kill();
        vm.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(Files.exists(tmp.resolve("domain")), "a failed launch destroys what it made");
    }

    @Test
    void noXlOrNoDom0IsOneLine() throws Exception {
        CocoonException e = assertThrows(CocoonException.class, () -> new XenXl(dom0()).launch(plan(tmp, tmp.resolve("nope"), List.of(), Map.of())));
        assertEquals("xen-xl: xl not found at " + tmp.resolve("nope") + ": install xen-utils-4.17, or set the hypervisor path", e.getMessage());
        Path xl = fakeXl();
        e = assertThrows(CocoonException.class, () -> new XenXl(tmp.resolve("no-capabilities")).launch(plan(tmp, xl, List.of(), Map.of())));
        assertTrue(e.getMessage().startsWith("xen-xl: this host is not a Xen dom0"), e.getMessage());
        assertEquals(List.of(), calls(), "nothing was run");
        List<HostCheck> c = new XenXl().check();
        assertEquals("xl", c.get(0).subject());
    }
}
