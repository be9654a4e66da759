#!/usr/bin/env python3
"""host-test.py - integration test of cocoon-agent on the host (no VM).

Runs as root. Builds a busybox root in a temp dir, and for every scenario in
scenarios.py starts a fresh agent in host-test mode:
    cocoon-agent --channel unix:<tmp>/agent.sock --once [--cgroup <cgroup2 dir>]
which listens on the socket, serves one connection, and exits when it
closes. The container root is a bind mount of the busybox dir; namespaces,
mounts, pivot_root, users, capabilities and seccomp are all real.

Usage: host-test.py [--agent PATH] [--keep] [--debug] [scenario-name-substring...]
Env: COCOON_TEST_NO_CGROUP=1 runs the agent without --cgroup (its /proc fallback).
Exit status 0 when every scenario passed; the last line is "N passed, N failed".
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
import cocoon_client  # noqa: E402
from cocoon_client import Client, MS_BIND, MS_REC, ROOTFS, mount, nested  # noqa: E402


def find_cgroup2():
    """A cgroup2 directory the agent may create its container cgroup in."""
    for d in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup"):
        if os.path.exists(os.path.join(d, "cgroup.procs")) and \
                os.path.exists(os.path.join(d, "cgroup.subtree_control")):
            return d
    return None


class HostEnv:
    vm = False

    def __init__(self, agent, work, debug):
        self.agent, self.work, self.debug = agent, work, debug
        self.rootfs = os.path.join(work, "rootfs")
        scenarios.build_rootfs(self.rootfs)
        # --no-cgroup exercises the agent's fallback (process tree walk)
        self.cg_parent = None if os.environ.get("COCOON_TEST_NO_CGROUP") else find_cgroup2()
        self.proc = None
        self.n = 0

    def rootfs_tlv(self):
        return nested(ROOTFS, mount("bind", source=self.rootfs, flags=MS_BIND | MS_REC, mkdir=False))

    def start(self):
        self.n += 1
        sock = os.path.join(self.work, "agent%d.sock" % self.n)
        self.log_path = os.path.join(self.work, "agent%d.log" % self.n)
        cmd = [self.agent, "--channel", "unix:" + sock, "--once"]
        self.cgroup = None
        if self.cg_parent:
            self.cgroup = os.path.join(self.cg_parent, "cocoon-test-%d-%d" % (os.getpid(), self.n))
            cmd += ["--cgroup", self.cgroup]
        if self.debug:
            cmd.append("--debug")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(self.log_path, "w"),
                                     stderr=subprocess.STDOUT)
        return Client.connect_unix(sock, timeout=30)

    def expect_agent_gone(self, timeout):
        scenarios.expect_exit(self.proc, timeout, "the agent")

    def stop(self, client):
        try:
            client.sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the agent did not exit after the connection closed")
        finally:
            if self.cgroup and os.path.isdir(self.cgroup):
                for _ in range(50):
                    try:
                        os.rmdir(self.cgroup)
                        break
                    except OSError:
                        time.sleep(0.1)

    def note(self, name, client, note):
        return note

    def abort(self, client):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log(self):
        return "agent log", self.log_path

    def report(self):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", default=os.path.join(HERE, "..", "build", "cocoon-agent"))
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--debug", action="store_true", help="run the agent with --debug")
    ap.add_argument("only", nargs="*")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("host-test.py must run as root")
        return 2
    agent = os.path.abspath(a.agent)
    # containers get the capabilities this host allows (some hosts drop a few)
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapBnd:"):
                cocoon_client.DEFAULT_CAPS[0] = int(line.split()[1], 16)
    work = tempfile.mkdtemp(prefix="cocoon-agent-test.")
    return scenarios.run_all(HostEnv(agent, work, a.debug), a.only, work, a.keep)


if __name__ == "__main__":
    sys.exit(main())
