#!/usr/bin/env python3
"""Console-socket peer for tests (like runc's recvtty): listens on a unix socket, receives
the pty master over SCM_RIGHTS, then types each argument as a line and prints everything the
pty produced until the given marker appears (or a deadline passes).

usage: recvtty.py SOCKET MARKER [LINE ...]
Writes "ready" on stdout once listening, then the received payload name, then the pty output.
"""
import array, os, select, socket, sys, time

path, marker, lines = sys.argv[1], sys.argv[2].encode(), sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
print("ready", flush=True)
s.settimeout(60)
conn, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(1024, socket.CMSG_LEN(4 * fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
if not fds:
    print("no fd received", flush=True)
    sys.exit(2)
master = fds[0]
print("payload=" + msg.decode(), flush=True)
out = b""
deadline = time.time() + 30
time.sleep(0.5)
for l in lines:
    os.write(master, (l + "\n").encode())
while time.time() < deadline and marker not in out:
    r, _, _ = select.select([master], [], [], 0.5)
    if r:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
sys.stdout.write(out.decode(errors="replace"))
sys.stdout.flush()
sys.exit(0 if marker in out else 1)
