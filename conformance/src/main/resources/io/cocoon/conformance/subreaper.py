#!/usr/bin/env python3
"""Acts as conmon or containerd-shim do: becomes a child subreaper, runs the given command
(cocoon create ...), then reaps orphans until the pid named in PIDFILE exits, and prints
'exit=<status>' with the shell convention (128+N when killed by signal N).

usage: subreaper.py PIDFILE TIMEOUT_S -- cocoon create ...
"""
import ctypes, os, signal, sys, time

PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("prctl failed")
pidfile, timeout = sys.argv[1], float(sys.argv[2])
cmd = sys.argv[4:]
child = os.fork()
if child == 0:
    os.execvp(cmd[0], cmd)
_, st = os.waitpid(child, 0)
rc = os.waitstatus_to_exitcode(st)
print("create=%d" % rc, flush=True)
if rc != 0:
    sys.exit(0)
target = int(open(pidfile).read())
print("pid=%d" % target, flush=True)
# Tell the caller it may go on (start, kill ...), then reap until the monitor goes.
deadline = time.time() + timeout
while time.time() < deadline:
    try:
        pid, st = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        print("exit=lost", flush=True)
        sys.exit(1)
    if pid == 0:
        time.sleep(0.02)
        continue
    if pid == target:
        code = os.waitstatus_to_exitcode(st)
        print("exit=%d" % (128 - code if code < 0 else code), flush=True)
        sys.exit(0)
print("exit=timeout", flush=True)
sys.exit(1)
