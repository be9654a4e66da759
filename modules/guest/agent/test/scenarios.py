"""scenarios.py - end-to-end scenarios of the agent protocol (tests only).

Each scenario gets a fresh agent (one container per agent, as in the product:
one VM per container) through an "env" that knows how to start it and how
the container root is provided:
  env.rootfs       host directory of the container root (busybox)
  env.rootfs_tlv() the ROOTFS field for CREATE (bind in host mode, 9p in a VM)
  env.vm           True inside QEMU
Used by host-test.py and vm-test.py.
"""
import os
import shutil
import struct
import subprocess
import time
import traceback
import uuid

from cocoon_client import *  # noqa: F401,F403  (protocol constants and helpers)

DEFAULT_NS = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def expect_exit(proc, timeout, what):
    """Waits for a target process (the agent, or QEMU around it) to exit cleanly by itself."""
    try:
        rc = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s did not exit" % what)
    check(rc == 0, "%s exit status %d" % (what, rc))


def build_rootfs(path):
    """A busybox root: /bin/busybox + one symlink per applet, /etc files."""
    os.makedirs(os.path.join(path, "bin"), exist_ok=True)
    shutil.copy2("/bin/busybox", os.path.join(path, "bin/busybox"))
    applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        link = os.path.join(path, "bin", a)
        if a != "busybox" and not os.path.lexists(link):
            os.symlink("busybox", link)
    for d in ("proc", "dev", "sys", "tmp", "root", "home/alice", "secret", "etc"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    files = {
        "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:alice:/home/alice:/bin/sh\n",
        "etc/group": "root:x:0:\nwheel:x:10:\ngames:x:20:\nalice:x:1000:\n",
        "etc/hostname": "cocoon-rootfs\n",
        "secret/file": "secret\n",
    }
    for name, text in files.items():
        with open(os.path.join(path, name), "w") as f:
            f.write(text)
    os.chmod(os.path.join(path, "tmp"), 0o1777)


def default_mounts():
    return [
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC),
        mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=755,size=65536k"),
        mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620"),
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"),
    ]


def spec(env, args, proc_kw=None, mounts=None, hostname="box", ns=DEFAULT_NS, extra=b""):
    ms = default_mounts() if mounts is None else mounts
    return (env.rootfs_tlv() + b"".join(nested(MOUNT, m) for m in ms)
            + field(HOSTNAME, hostname) + u32(NAMESPACES, ns)
            + nested(PROCESS, process(args, **(proc_kw or {}))) + extra)


def sh(script, **kw):
    return process(["/bin/sh", "-c", script], **kw)


def run_init(c, env, args, **kw):
    """CREATE + START; returns the init's Proc."""
    c.hello()
    c.init_pid = c.create(spec(env, args, **kw))
    c.start()
    return c.proc(1)


def check_order(p, stderr_stream=True):
    """Per stream: data, then its end-of-stream frame; EXIT after both."""
    ev = p.events
    check(ev and ev[-1] == "exit" and ev.count("exit") == 1, "EXIT is not last: %r" % ev[-6:])
    for data, eos in (("out", "eos1"), ("err", "eos2")):
        if eos not in ev:
            check(not stderr_stream and eos == "eos2", "no %s: %r" % (eos, ev[-6:]))
            continue
        i = ev.index(eos)
        check(data not in ev[i:], "%s data after its end of stream: %r" % (data, ev[-6:]))


# ---------------------------------------------------------------- scenarios

def s_echo_marker(c, env):
    """HELLO; nothing runs before START; echo hi; ordering of frames."""
    f = c.hello()
    check(f.u32(VERSION) == 1, "VERSION %r" % f.u32(VERSION))
    check(f.str(AGENT_VERSION) and f.str(KERNEL), "AGENT_VERSION/KERNEL missing")
    check(f.u64(BOOT_MS) is not None and f.u64(BOOT_MS) > 0, "BOOT_MS")
    marker = os.path.join(env.rootfs, "marker")
    if os.path.exists(marker):
        os.unlink(marker)
    pid = c.create(spec(env, ["/bin/sh", "-c", "touch /marker; echo hi"]))
    check(pid > 1, "CREATE PID %r" % pid)
    t_end = time.time() + 0.5
    while time.time() < t_end:
        c.pump(0.05)
    check(not os.path.exists(marker), "the init ran before START")
    check(c.proc(1).events == [], "output before START")
    c.start()
    check(c.wait_exit(1) == ("code", 0), "exit %r" % (c.proc(1).exit,))
    p = c.proc(1)
    check(bytes(p.out) == b"hi\n", "stdout %r" % bytes(p.out))
    check_order(p)
    check(os.path.exists(marker), "the init did not run after START")
    os.unlink(marker)


def s_echo(c, env):
    """START /bin/echo hi -> hi, EOF, EXIT 0."""
    p = run_init(c, env, ["/bin/echo", "hi"])
    check(c.wait_exit(1) == ("code", 0), "exit %r" % (p.exit,))
    check(bytes(p.out) == b"hi\n" and p.eos[1] and p.eos[2], "out %r eos %r" % (bytes(p.out), p.eos))
    check_order(p)


def s_exit42(c, env):
    p = run_init(c, env, ["/bin/sh", "-c", "exit 42"])
    check(c.wait_exit(1) == ("code", 42), "exit %r" % (p.exit,))


def s_sigterm_ignored(c, env):
    """PID 1 of its pid namespace without a handler ignores TERM; KILL works."""
    p = run_init(c, env, ["/bin/sleep", "100"])
    time.sleep(0.3)
    c.signal(1, 15)
    end = time.time() + 1.0
    while time.time() < end:
        c.pump(0.1)
    check(p.exit is None, "TERM killed the namespace init: %r" % (p.exit,))
    c.signal(1, 9)
    check(c.wait_exit(1) == ("signal", 9), "exit %r" % (p.exit,))
    try:
        c.signal(1, 9)
        check(False, "SIGNAL after exit did not fail")
    except AgentError as e:
        check(e.errno == 3, "SIGNAL after exit: errno %d" % e.errno)


def s_sigterm_trap(c, env):
    p = run_init(c, env, ["/bin/sh", "-c",
                          'trap "exit 3" TERM; echo ready; while true; do sleep 0.1; done'])
    c.wait_for(lambda: b"ready" in p.out, what="ready")
    c.signal(1, 15)
    check(c.wait_exit(1) == ("code", 3), "exit %r" % (p.exit,))


def s_identity(c, env):
    script = ('id; pwd; hostname; ulimit -n; ulimit -Hn; umask; echo "FOO=$FOO"; echo "HOME=$HOME"; '
              'cat /proc/self/oom_score_adj; '
              'grep -E "^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs)" /proc/self/status')
    extra = (u32(AGID, 10) + u32(AGID, 20) + u32(UMASK, 0o027)
             + nested(RLIMIT, u32(RL_TYPE, 7), u64(RL_SOFT, 123), u64(RL_HARD, 456))
             + u64(CAP_BOUNDING, (1 << 0) | (1 << 10)) + u64(CAP_EFFECTIVE, 1 << 10)
             + u64(CAP_PERMITTED, 1 << 10) + u64(CAP_INHERITABLE, 1 << 10)
             + u64(CAP_AMBIENT, 1 << 10) + flag(NO_NEW_PRIVS) + u32(OOM_SCORE_ADJ, 500))
    p = run_init(c, env, ["/bin/sh", "-c", script], proc_kw=dict(
        env=["PATH=/bin", "FOO=bar baz"], cwd="/home/alice/work", uid=1000, gid=1000,
        caps=None, extra=extra))
    check(c.wait_exit(1) == ("code", 0), "exit %r stderr %r" % (p.exit, bytes(p.err)))
    out = p.out.decode()
    lines = out.splitlines()
    status = dict(l.split(":", 1) for l in lines if ":" in l and "=" not in l)
    status = {k: v.split() for k, v in status.items()}
    expect = [
        (lines[0].startswith("uid=1000(alice) gid=1000(alice)") and "groups=10(wheel),20(games)"
         in lines[0], "id: " + lines[0]),
        (lines[1] == "/home/alice/work", "pwd: " + lines[1]),
        (lines[2] == "box", "hostname: " + lines[2]),
        (lines[3] == "123" and lines[4] == "456", "ulimit: %r" % lines[3:5]),
        (lines[5] == "0027", "umask: " + lines[5]),
        (lines[6] == "FOO=bar baz", "env: " + lines[6]),
        (lines[7] == "HOME=/home/alice", "home: " + lines[7]),
        (lines[8] == "500", "oom_score_adj: " + lines[8]),
        (status.get("Uid") == ["1000"] * 4 and status.get("Gid") == ["1000"] * 4, "uid/gid %r" % status),
        (status.get("Groups") == ["10", "20"], "groups %r" % status.get("Groups")),
        (status.get("CapBnd") == ["0000000000000401"], "CapBnd %r" % status.get("CapBnd")),
        (all(status.get(k) == ["0000000000000400"] for k in ("CapInh", "CapPrm", "CapEff", "CapAmb")),
         "caps %r" % {k: v for k, v in status.items() if k.startswith("Cap")}),
        (status.get("NoNewPrivs") == ["1"], "NoNewPrivs %r" % status.get("NoNewPrivs")),
    ]
    for ok, what in expect:
        check(ok, what)


def s_exec_ps_stats_stdin(c, env):
    limits = u64(CGROUP_MEMORY_MAX, 64 << 20) + u64(CGROUP_PIDS_MAX, 100) if env.vm else b""
    p = run_init(c, env, ["/bin/sleep", "100"], extra=limits)
    time.sleep(0.2)
    c.exec(2, process(["cat", "/etc/hostname"]))
    check(c.wait_exit(2) == ("code", 0), "cat exit %r" % (c.proc(2).exit,))
    check(bytes(c.proc(2).out) == b"cocoon-rootfs\n", "cat out %r" % bytes(c.proc(2).out))
    c.exec(3, process(["hostname"]))
    c.wait_exit(3)
    check(bytes(c.proc(3).out) == b"box\n", "exec joined the uts ns: %r" % bytes(c.proc(3).out))
    c.exec(4, process(["ps"]))
    check(c.wait_exit(4) == ("code", 0), "ps exit")
    ps_out = c.proc(4).out.decode()
    check(any(l.split()[:1] == ["1"] and "sleep 100" in l for l in ps_out.splitlines()),
          "ps in the container's pid ns:\n" + ps_out)
    f = c.request(PS)
    procs = [Fields(v) for v in f.all(PROC)]
    cmds = [x.str(CMD) for x in procs]
    check("/bin/sleep 100" in cmds, "PS: %r" % cmds)
    init = [x for x in procs if x.str(CMD) == "/bin/sleep 100"][0]
    check(init.u32(PID) == c.init_pid, "PS pid %r, CREATE said %r" % (init.u32(PID), c.init_pid))
    check(init.str(STATE) in ("S", "R", "D"), "PS state %r" % init.str(STATE))
    check(init.u32(UID) == 0, "PS uid")
    s = c.request(STATS)
    check(s.u64(MEM_TOTAL) > 16 << 20 and 0 < s.u64(MEM_AVAILABLE) <= s.u64(MEM_TOTAL), "meminfo %r" % s)
    check(s.u64(PIDS) >= 1, "PIDS %r" % s.u64(PIDS))
    check(s.u64(MEM_LIMIT) <= s.u64(MEM_TOTAL) and s.u64(MEM_LIMIT) > 0, "MEM_LIMIT")
    if env.vm:
        check(s.u64(CPU_NS) > 0 and s.u64(MEM_USAGE) > 0, "cgroup stats %r" % s)
        check(s.u64(MEM_LIMIT) == 64 << 20, "MEM_LIMIT %r" % s.u64(MEM_LIMIT))
        c.request(UPDATE, u64(CGROUP_MEMORY_MAX, 32 << 20) + u64(CGROUP_PIDS_MAX, 0)
                  + field(CPU_MAX, "50000 100000") + u64(CPU_WEIGHT, 200))
        check(c.request(STATS).u64(MEM_LIMIT) == 32 << 20, "MEM_LIMIT after UPDATE")
        c.request(UPDATE, u64(CGROUP_MEMORY_MAX, 0))
        s = c.request(STATS)
        check(s.u64(MEM_LIMIT) == s.u64(MEM_TOTAL), "MEM_LIMIT after UPDATE to max")
    else:  # host cgroup2 without controllers: the error names the file
        try:
            c.request(UPDATE, u64(CPU_WEIGHT, 200))
            check(not env.cgroup, "UPDATE of cpu.weight without a cpu controller succeeded")
        except AgentError as e:
            check("cpu.weight" in e.message or (not env.cgroup and e.errno == 95),
                  "UPDATE error %r" % e.message)
    try:
        c.request(UPDATE, u32(CPU_WEIGHT, 1))
        check(False, "UPDATE with a bad field accepted")
    except AgentError as e:
        check(e.errno == 22 and "CPU_WEIGHT" in e.message, "UPDATE error %r" % e.message)
    # stdin relay
    c.exec(5, process(["cat"], stdin=True))
    q = c.proc(5)
    c.wait_for(lambda: q.stdin_credit == 65536, what="initial STDIN_CREDIT")
    data = b"hello\nworld\n" + bytes(range(256)) * 400  # > 100 KB: needs more credit
    c.stdin(5, data)
    c.wait_for(lambda: len(q.out) >= len(data), what="echoed stdin")
    check(bytes(q.out) == data, "cat echoed %d bytes, differs" % len(q.out))
    c.request(CLOSE_STDIN, u32(PROC_ID, 5))
    check(c.wait_exit(5) == ("code", 0), "cat exit %r" % (q.exit,))
    check_order(q)
    # EXEC of a missing binary: message on stderr, 127
    c.exec(6, process(["/nonexistent"]))
    check(c.wait_exit(6) == ("code", 127), "missing binary exit %r" % (c.proc(6).exit,))
    check(b"cocoon-agent: exec /nonexistent: No such file or directory" in c.proc(6).err,
          "stderr %r" % bytes(c.proc(6).err))
    try:
        c.exec(6, process(["true"]))
        check(False, "reused PROC_ID accepted")
    except AgentError:
        pass
    # SIGNAL ALL reaches the init
    c.exec(7, process(["sleep", "100"]))
    c.signal(1, 9, all_=True)
    check(c.wait_exit(1) == ("signal", 9), "init after SIGNAL ALL %r" % (p.exit,))
    c.wait_exit(7)


def s_large_output(c, env):
    """10 MB through the flow control; the client grants credit slowly."""
    run_init(c, env, ["/bin/sleep", "100"])
    n = 10_000_000
    q = c.proc(2)
    q.auto_credit = False
    c.exec(2, process(["head", "-c", str(n), "/dev/zero"]))
    t0 = time.time()
    stalled = False
    while q.exit is None:
        c.pump(0.2)
        if not stalled and len(q.out) > 1_000_000:
            # stop crediting for a while: the agent must stop at the window
            stalled = True
            end = time.time() + 0.5
            while time.time() < end:
                c.pump(0.05)
            check(q.uncredited <= OUTPUT_WINDOW, "window exceeded: %d" % q.uncredited)
        if q.uncredited >= 65536 or (q.uncredited and q.eos[1]):
            time.sleep(0.001)
            c.credit(2, 1, q.uncredited)
        check(time.time() - t0 < 120, "large output timed out at %d bytes" % len(q.out))
    check(q.exit == ("code", 0), "head exit %r" % (q.exit,))
    check(len(q.out) == n and q.out.count(0) == n, "got %d bytes" % len(q.out))
    check(q.max_uncredited <= OUTPUT_WINDOW, "max uncredited %d" % q.max_uncredited)
    check_order(q)
    return "%.1f MB/s" % (n / (time.time() - t0) / 1e6)


def s_terminal(c, env):
    run_init(c, env, ["/bin/sleep", "100"])
    c.exec(2, process(["/bin/sh"], terminal=True, stdin=True, extra=u32(ROWS, 24) + u32(COLS, 80)))
    q = c.proc(2)
    c.stdin(2, b"echo h''i\n")
    c.wait_for(lambda: b"\nhi\r\n" in q.out, what="hi from the terminal")
    c.stdin(2, b"stty size\n")
    c.wait_for(lambda: b"24 80" in q.out, what="initial size 24 80")
    c.request(RESIZE, u32(PROC_ID, 2) + u32(ROWS, 50) + u32(COLS, 132))
    c.stdin(2, b"stty size; tty\n")
    c.wait_for(lambda: b"50 132" in q.out, what="resized 50 132")
    c.wait_for(lambda: b"/dev/pts/" in q.out, what="tty name")
    c.stdin(2, b"exit 7\n")
    check(c.wait_exit(2) == ("code", 7), "sh exit %r" % (q.exit,))
    check(not q.err and "eos2" not in q.events, "a terminal process sent STDERR frames")
    check_order(q, stderr_stream=False)
    # CLOSE_STDIN on a terminal sends EOF (^D): cat ends
    c.exec(3, process(["cat"], terminal=True, stdin=True))
    r = c.proc(3)
    c.stdin(3, b"abc\n")
    c.wait_for(lambda: r.out.count(b"abc") >= 2, what="cat echo through the pty")
    c.request(CLOSE_STDIN, u32(PROC_ID, 3))
    check(c.wait_exit(3) == ("code", 0), "cat exit %r" % (r.exit,))
    try:
        c.request(RESIZE, u32(PROC_ID, 1) + u32(ROWS, 1) + u32(COLS, 1))
        check(False, "RESIZE of a non-terminal accepted")
    except AgentError as e:
        check(e.errno == 25, "RESIZE non-tty errno %d" % e.errno)


def s_terminal_init(c, env):
    """The container init itself on a terminal (CREATE with TERMINAL + STDIN)."""
    c.hello()
    c.create(spec(env, ["/bin/sh"], proc_kw=dict(terminal=True, stdin=True,
                                                 extra=u32(ROWS, 30) + u32(COLS, 100))))
    p = c.proc(1)
    c.wait_for(lambda: p.stdin_credit == 65536, what="STDIN_CREDIT")
    c.stdin(1, b"echo $$; tty; stty size; exit 3\n")  # typed before START: buffered
    c.start()
    check(c.wait_exit(1) == ("code", 3), "exit %r out %r" % (p.exit, bytes(p.out)))
    out = p.out.decode()
    check("\n1\r\n" in out and "/dev/pts/0" in out and "30 100" in out, "out %r" % out)
    check_order(p, stderr_stream=False)


def s_eof_grace(c, env):
    """A background child holding stdout open: EOS + EXIT about 1 s after the reap."""
    run_init(c, env, ["/bin/sleep", "100"])
    c.exec(2, process(["sh", "-c", "sleep 5 & echo done"]))
    q = c.proc(2)
    c.wait_for(lambda: b"done" in q.out, what="done")
    t = time.time()
    check(c.wait_exit(2, timeout=4) == ("code", 0), "exit %r" % (q.exit,))
    dt = time.time() - t
    check(0.7 < dt < 2.5, "EXIT came %.2f s after the output" % dt)
    check_order(q)
    return "EXIT %.2f s after the last output" % dt


def s_seccomp(c, env):
    bpf = b"".join(struct.pack("<HBBI", *i) for i in [
        (0x20, 0, 0, 4),                 # ld arch
        (0x15, 1, 0, 0xC000003E),        # x86_64?
        (0x06, 0, 0, 0x7FFF0000),        #   no: allow (test filter)
        (0x20, 0, 0, 0),                 # ld nr
        (0x15, 2, 0, 83),                # mkdir
        (0x15, 1, 0, 258),               # mkdirat
        (0x06, 0, 0, 0x7FFF0000),        # allow
        (0x06, 0, 0, 0x00050001),        # ERRNO(EPERM)
    ])
    sc = field(SECCOMP_BPF, bpf)
    p = run_init(c, env, ["/bin/sh", "-c", "mkdir /tmp/x; echo rc=$?; exec sleep 100"],
                 proc_kw=dict(extra=sc + flag(NO_NEW_PRIVS)))
    c.wait_for(lambda: b"rc=" in p.out, what="mkdir result")
    check(b"rc=1" in p.out, "mkdir under seccomp: %r" % bytes(p.out))
    check(b"Operation not permitted" in p.err, "stderr %r" % bytes(p.err))
    # without NO_NEW_PRIVS (installed before the user switch), as uid 1000
    c.exec(2, process(["mkdir", "/tmp/y"], uid=1000, gid=1000, caps=0, extra=sc))
    check(c.wait_exit(2) == ("code", 1), "mkdir exit %r" % (c.proc(2).exit,))
    check(b"Operation not permitted" in c.proc(2).err, "stderr %r" % bytes(c.proc(2).err))
    c.exec(3, process(["mkdir", "/tmp/z"]))
    check(c.wait_exit(3) == ("code", 0), "mkdir without seccomp %r" % (c.proc(3).exit,))
    c.signal(1, 9)
    c.wait_exit(1)


def s_setup_errors(c, env):
    c.hello()
    try:
        c.create(spec(env, ["/bin/true"], mounts=default_mounts() + [mount("nosuchfs", "/x", "nosuchfs")]))
        check(False, "CREATE with a bad mount succeeded")
    except AgentError as e:
        check(e.errno == 19 and e.message == "mount nosuchfs on /x: No such device",
              "error %d %r" % (e.errno, e.message))
    # the agent allows a new CREATE after a failed one
    c.create(spec(env, ["/nonexistent"]))
    c.start()
    p = c.proc(1)
    check(c.wait_exit(1) == ("code", 127), "exit %r" % (p.exit,))
    check(bytes(p.err) == b"cocoon-agent: exec /nonexistent: No such file or directory\n",
          "stderr %r" % bytes(p.err))
    try:
        c.start()
        check(False, "second START accepted")
    except AgentError:
        pass


def s_mount_safety(c, env):
    name = "escaped-" + uuid.uuid4().hex[:8]
    link = os.path.join(env.rootfs, "evil")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink("../../../../" + name, link)
    try:
        script = ("wc -c < /proc/cmdline; ls -A /secret | wc -l; "
                  "echo 1 > /proc/sys/kernel/msgmni && echo sysctl-writable; "
                  "touch /newfile && echo root-writable; touch /tmp/ok && echo tmp-writable; "
                  "cat /proc/sys/kernel/msgmax; cat /proc/sys/kernel/domainname; "
                  "grep -c ' /%s ' /proc/self/mountinfo" % name)
        mounts = default_mounts() + [mount("tmpfs", "/evil", "tmpfs")]
        extra = (field(MASKED_PATH, "/proc/kcore") + field(MASKED_PATH, "/proc/cmdline")
                 + field(MASKED_PATH, "/secret")
                 + field(MASKED_PATH, "/does/not/exist") + field(READONLY_PATH, "/proc/sys")
                 + field(READONLY_PATH, "/nothing/here") + flag(ROOT_READONLY)
                 + field(SYSCTL, "kernel.msgmax=12345") + field(DOMAINNAME, "example.org"))
        p = run_init(c, env, ["/bin/sh", "-c", script], mounts=mounts, extra=extra)
        c.wait_exit(1)
        lines = p.out.decode().split()
        check(lines == ["0", "0", "tmp-writable", "12345", "example.org", "1"],
              "out %r err %r" % (bytes(p.out), bytes(p.err)))
        check(b"Read-only file system" in p.err, "stderr %r" % bytes(p.err))
        check(os.path.isdir(os.path.join(env.rootfs, name)), "mount point not created inside the root")
        check(not os.path.exists("/" + name), "symlink escaped the root: /%s exists" % name)
    finally:
        os.unlink(link)
        if os.path.isdir(os.path.join(env.rootfs, name)):
            os.rmdir(os.path.join(env.rootfs, name))


def s_protocol(c, env):
    c.hello()
    c.send_raw(b"\x00\x01garbage\xc0\x11more garbage")
    check(c.request_raw(PING)[0] == OK, "PING after garbage")
    c.send_raw(struct.pack(">BBHII", 0xC0, 0xC0, PING, 99, 2 << 20))  # oversized length
    check(c.request_raw(PING)[0] == OK, "PING after an oversized frame")
    for typ, payload, want in [
        (0x42, b"", 95),                                   # unknown request
        (HELLO, field(VERSION, b"\x01"), 22),              # wrong field size
        (HELLO, b"\x00\x01\x00", 22),                      # truncated TLV
        (START, b"", 3),                                   # no container
        (SIGNAL, u32(PROC_ID, 9) + u32(SIG, 15), 3),       # unknown process
        (SIGNAL, u32(SIG, 15), 22),                        # missing PROC_ID
        (CREATE, env.rootfs_tlv(), 22),                    # missing PROCESS
        (CREATE, field(PROCESS, b"\x00\x50\x00\x00\x00\x05ab"), 22),
        (EXEC, u32(PROC_ID, 2), 3),                        # no container
    ]:
        rtyp, f = c.request_raw(typ, payload)
        check(rtyp == ERROR and f.u32(ERRNO) == want,
              "type 0x%x: %s %r" % (typ, "OK" if rtyp == OK else f.u32(ERRNO), f.str(MESSAGE)))
    c.send_frame(0x0199, 0, b"")  # unknown non-request: ignored
    c.send_frame(MSG_CREDIT, 77, b"")  # malformed CREDIT: ignored
    c.send_frame(MSG_STDIN, 77, b"x")  # STDIN to nobody: ignored
    check(c.request_raw(PING)[0] == OK, "PING at the end")
    check(any("resynchronised" in m for _, m in c.logs), "no LOG frame about the resync: %r" % c.logs)
    c.request(SHUTDOWN, u32(TIMEOUT_MS, 500))
    end = time.time() + 5
    while not c.closed and time.time() < end:
        try:
            c.pump(0.2)
        except EOFError:
            break
    env.expect_agent_gone(5)


def s_shutdown_running(c, env):
    """SHUTDOWN with a running container: EXIT frames, then the agent ends."""
    p = run_init(c, env, ["/bin/sh", "-c", 'trap "exit 5" TERM; echo ready; while :; do sleep 0.1; done'])
    c.wait_for(lambda: b"ready" in p.out, what="ready")
    c.exec(2, process(["sleep", "100"]))
    c.request(SHUTDOWN, u32(TIMEOUT_MS, 1000))
    try:
        c.wait_for(lambda: p.exit is not None, timeout=5, what="EXIT during shutdown")
    except EOFError:
        pass
    check(p.exit == ("code", 5), "init exit during SHUTDOWN %r" % (p.exit,))
    env.expect_agent_gone(10)


ALL = [
    ("echo+marker", s_echo_marker, True),
    ("echo", s_echo, True),
    ("exit 42", s_exit42, True),
    ("SIGTERM ignored, SIGKILL", s_sigterm_ignored, True),
    ("SIGTERM trapped", s_sigterm_trap, True),
    ("identity", s_identity, False),
    ("exec/ps/stats/stdin", s_exec_ps_stats_stdin, True),
    ("large output", s_large_output, False),
    ("terminal", s_terminal, False),
    ("terminal init", s_terminal_init, False),
    ("EOF grace", s_eof_grace, False),
    ("seccomp", s_seccomp, False),
    ("setup errors", s_setup_errors, False),
    ("mount safety", s_mount_safety, False),
    ("protocol robustness", s_protocol, False),
    ("shutdown", s_shutdown_running, True),
]


def run_all(env, only, work, keep):
    """Runs each selected scenario against a fresh target from env.start() and prints PASS/FAIL lines.

    The target (HostEnv, VmEnv) supplies note() for its extra figures, abort() to end a failed
    target, log() naming the log to show on failure, and report() for a summary at the end.
    Returns the exit status: 1 when anything failed or nothing ran."""
    passed = failed = 0
    for name, fn, _ in ALL:
        if only and not any(o in name for o in only):
            continue
        t0 = time.time()
        c = None
        try:
            c = env.start()
            note = env.note(name, c, fn(c, env) or "")
            env.stop(c)
            passed += 1
            print("PASS %-28s %5.2fs %s" % (name, time.time() - t0, note), flush=True)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print("FAIL %-28s %5.2fs %s" % (name, time.time() - t0, e), flush=True)
            traceback.print_exc()
            env.abort(c)
            what, path = env.log()
            print("---- %s (%s):" % (what, path))
            with open(path, errors="replace") as f:
                print(f.read()[-3000:])
    env.report()
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept", work)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0
