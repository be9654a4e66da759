#!/usr/bin/env python3
"""vm-test.py - run the agent scenarios inside QEMU microvm guests.

Called by vm-test.sh (which builds the agent, the initramfs and finds the
kernel). One VM per scenario, as in the product (one VM per container):
the agent is /init, the host side speaks to it over the virtio-serial port
io.cocoon.agent (a unix socket on this side), and the container root is the
busybox directory exported over virtio-9p (ROOTFS TYPE 9p, SOURCE rootfs).
Every wait has a timeout: QEMU runs under `timeout`, the client's socket
waits are bounded.

Usage: vm-test.py --kernel VMLINUX --initrd INITRD.gz [--only NAME...] [--debug]
Prints timings (QEMU start -> HELLO reply, -> first output of echo) and
"N passed, N failed" last; exit status 0 when everything passed.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scenarios  # noqa: E402
from cocoon_client import ROOTFS, Client, mount, nested  # noqa: E402

MACHINE = os.environ.get("MACHINE", "microvm,acpi=off,pit=on,pic=on,rtc=on")


class VmEnv:
    vm = True

    def __init__(self, kernel, initrd, work, debug, mem):
        self.kernel, self.initrd, self.work, self.debug, self.mem = kernel, initrd, work, debug, mem
        self.rootfs = os.path.join(work, "rootfs")
        scenarios.build_rootfs(self.rootfs)
        self.n = 0
        self.qemu = None
        self.timings = []

    def rootfs_tlv(self):
        return nested(ROOTFS, mount("9p", source="rootfs", data="trans=virtio,version=9p2000.L,msize=262144",
                                    mkdir=False))

    def start(self):
        self.n += 1
        d = os.path.join(self.work, "vm%d" % self.n)
        os.makedirs(d)
        sock = os.path.join(d, "agent.sock")
        self.console = os.path.join(d, "console.log")
        append = "console=ttyS0 reboot=t panic=-1 quiet" + (" cocoon.debug=1" if self.debug else "")
        cmd = ["timeout", "300", "qemu-system-x86_64", "-M", MACHINE, "-accel", "tcg,tb-size=16",
               "-cpu", "max", "-m", str(self.mem), "-smp", "1", "-nodefaults", "-no-user-config",
               "-nographic", "-no-reboot", "-kernel", self.kernel, "-initrd", self.initrd,
               "-append", append, "-serial", "file:" + self.console,
               "-device", "virtio-serial-device",
               "-chardev", "socket,id=agent,path=%s,server=on,wait=off" % sock,
               "-device", "virtserialport,chardev=agent,name=io.cocoon.agent",
               "-fsdev", "local,id=fs0,path=%s,security_model=passthrough" % self.rootfs,
               "-device", "virtio-9p-device,fsdev=fs0,mount_tag=rootfs"]
        self.t0 = time.time()
        self.qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(os.path.join(d, "qemu.out"), "w"),
                                     stderr=subprocess.STDOUT)
        c = Client.connect_unix(sock, timeout=60, wait=20)
        c.hello()
        self.hello_ms = (time.time() - self.t0) * 1000
        return c

    def expect_agent_gone(self, timeout):
        scenarios.expect_exit(self.qemu, timeout, "QEMU (after SHUTDOWN)")

    def stop(self, client):
        try:
            client.sock.close()
        except OSError:
            pass
        if self.qemu.poll() is None:
            self.qemu.terminate()
            try:
                self.qemu.wait(10)
            except subprocess.TimeoutExpired:
                self.qemu.kill()
                self.qemu.wait()

    def note(self, name, client, note):
        note = ("HELLO after %4.0f ms " % self.hello_ms) + note
        if name == "echo":
            first = client.proc(1).first_output
            note += " first output after %4.0f ms" % ((first - self.t0) * 1000)
            self.timings.append(("QEMU start -> first output of echo", (first - self.t0) * 1000))
        self.timings.append(("QEMU start -> HELLO reply (%s)" % name, self.hello_ms))
        return note

    def abort(self, client):
        if client:
            self.stop(client)
        elif self.qemu and self.qemu.poll() is None:
            self.qemu.kill()

    def log(self):
        return "guest console", self.console

    def report(self):
        hellos = sorted(ms for what, ms in self.timings if what.startswith("QEMU start -> HELLO"))
        if hellos:
            print("timing: QEMU start -> HELLO reply: min %.0f ms, median %.0f ms, max %.0f ms (%d boots)" % (
                hellos[0], hellos[len(hellos) // 2], hellos[-1], len(hellos)))
        for what, ms in self.timings:
            if "first output" in what:
                print("timing: %s: %.0f ms" % (what, ms))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--mem", type=int, default=256)
    ap.add_argument("--debug", action="store_true", help="boot with cocoon.debug=1")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("only", nargs="*")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cocoon-vm-test.")
    env = VmEnv(os.path.abspath(a.kernel), os.path.abspath(a.initrd), work, a.debug, a.mem)
    return scenarios.run_all(env, a.only, work, a.keep)


if __name__ == "__main__":
    sys.exit(main())
