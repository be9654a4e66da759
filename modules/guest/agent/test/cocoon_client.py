"""cocoon_client.py - a small client of the Cocoon agent protocol (tests only).

Python 3 standard library only. Used by host-test.py (agent on a unix
socket) and vm-test.sh (agent in a QEMU guest behind a virtio-serial port).
Single threaded: every wait pumps frames from the socket, with a timeout.
"""
import select
import socket
import struct
import time

# Protocol constants come from the agent's own src/proto.h, parsed at import: the
# numbers exist once in C (and once in Java, cross-checked by core's ProtocolCrossCheckTest).
# Short names as the tests use them: MSG_X -> X (but MSG_STDIN/MSG_CREDIT keep their prefix,
# STDIN being the PROCESS field), TAG_P_X -> X, TAG_SIGNAL -> SIG, TAG_X -> X.
def _load_proto():
    import os
    import re
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "proto.h")
    raw = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+(\w+)\s+(.+?)\s*(/\*.*)?$", line)
            if m:
                raw[m.group(1)] = m.group(2)

    def value(v):
        v = v.strip()
        if v in raw:
            return value(raw[v])
        if v.startswith('"'):
            return v.strip('"')
        return eval(re.sub(r"(?<=[0-9a-fA-F])u\b", "", v), {})  # (1024u * 1024u), 0x00A0

    out = {}
    for name, v in raw.items():
        if not (name.startswith(("MSG_", "TAG_")) or name in ("PROTO_VERSION", "OUTPUT_WINDOW", "STDIN_WINDOW")):
            continue
        val = value(v)
        out[name] = val
        if name in ("MSG_STDIN", "MSG_CREDIT"):
            continue
        if name.startswith("MSG_"):
            out[name[4:]] = val
        elif name.startswith("TAG_P_"):
            out[name[6:]] = val
        elif name == "TAG_SIGNAL":
            out["SIG"] = val
        elif name.startswith("TAG_"):
            out[name[4:]] = val
    return out


globals().update(_load_proto())

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID = \
    0x20000, 0x02000000, 0x04000000, 0x08000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_BIND = 1, 2, 4, 8, 0x4000, 0x1000


# ---- TLV ----
def field(tag, value=b""):
    if isinstance(value, str):
        value = value.encode()
    return struct.pack(">HI", tag, len(value)) + value


def u32(tag, v):
    return field(tag, struct.pack(">I", v & 0xFFFFFFFF))


def u64(tag, v):
    return field(tag, struct.pack(">Q", v))


def flag(tag):
    return field(tag)


def nested(tag, *parts):
    return field(tag, b"".join(parts))


def parse_tlv(b):
    out, i = [], 0
    while i < len(b):
        if len(b) - i < 6:
            raise ValueError("truncated TLV")
        tag, n = struct.unpack_from(">HI", b, i)
        i += 6
        if len(b) - i < n:
            raise ValueError("truncated TLV value")
        out.append((tag, b[i:i + n]))
        i += n
    return out


class Fields:
    def __init__(self, payload):
        self.items = parse_tlv(payload)

    def all(self, tag):
        return [v for t, v in self.items if t == tag]

    def raw(self, tag):
        v = self.all(tag)
        return v[0] if v else None

    def u32(self, tag):
        v = self.raw(tag)
        return None if v is None else struct.unpack(">I", v)[0]

    def u64(self, tag):
        v = self.raw(tag)
        return None if v is None else struct.unpack(">Q", v)[0]

    def str(self, tag):
        v = self.raw(tag)
        return None if v is None else v.decode(errors="replace")

    def __repr__(self):
        return "Fields(%r)" % self.items


def mount(typ, dest=None, source=None, flags=0, data=None, staging=False, mkdir=True):
    parts = [field(M_TYPE, typ)]
    if source is not None:
        parts.append(field(M_SOURCE, source))
    if dest is not None:
        parts.append(field(M_DEST, dest))
    if flags:
        parts.append(u64(M_FLAGS, flags))
    if data is not None:
        parts.append(field(M_DATA, data))
    if staging:
        parts.append(flag(M_STAGING))
    if mkdir:
        parts.append(flag(M_MKDIR))
    return b"".join(parts)


DEFAULT_CAPS = [0x1FFFFFFFFFF]  # tests may narrow it to what the host allows


def process(args, env=("PATH=/usr/sbin:/usr/bin:/sbin:/bin",), cwd="/", uid=0, gid=0,
            terminal=False, stdin=False, caps="default", extra=b""):
    if caps == "default":
        caps = DEFAULT_CAPS[0]
    p = [field(ARG, a) for a in args] + [field(ENV, e) for e in env]
    p += [field(CWD, cwd), u32(UID, uid), u32(GID, gid)]
    if caps is not None:
        for t in (CAP_BOUNDING, CAP_EFFECTIVE, CAP_PERMITTED):
            p.append(u64(t, caps))
    if terminal:
        p.append(flag(TERMINAL))
    if stdin:
        p.append(flag(STDIN))
    return b"".join(p) + extra


class AgentError(Exception):
    def __init__(self, errno, message):
        super().__init__("agent error %d: %s" % (errno, message))
        self.errno, self.message = errno, message


class Proc:
    def __init__(self):
        self.out = bytearray()
        self.err = bytearray()
        self.eos = {1: False, 2: False}
        self.exit = None           # ("code", n) or ("signal", n)
        self.events = []           # "out", "err", "eos1", "eos2", "exit" in arrival order
        self.stdin_credit = 0
        self.auto_credit = True
        self.uncredited = 0        # bytes received on stdout+stderr not yet credited
        self.max_uncredited = 0
        self.first_output = None   # time.time() of the first STDOUT/STDERR bytes


class Client:
    def __init__(self, sock, timeout=20.0):
        self.sock = sock
        self.timeout = timeout
        self.buf = bytearray()
        self.next_id = 1
        self.replies = {}
        self.procs = {}
        self.logs = []
        self.closed = False

    @classmethod
    def connect_unix(cls, path, timeout=20.0, wait=10.0):
        deadline = time.time() + wait
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return cls(s, timeout)
            except OSError:
                s.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.02)

    def proc(self, pid):
        return self.procs.setdefault(pid, Proc())

    # ---- raw frames ----
    def send_frame(self, typ, fid, payload=b""):
        self.sock.sendall(struct.pack(">BBHII", 0xC0, 0xC0, typ, fid, len(payload)) + payload)

    def send_raw(self, data):
        self.sock.sendall(data)

    def pump(self, timeout):
        """Reads and dispatches frames for up to timeout seconds (returns early on data)."""
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return False
        data = self.sock.recv(1 << 20)
        if not data:
            self.closed = True
            raise EOFError("agent closed the connection")
        self.buf += data
        while len(self.buf) >= 12:
            m0, m1, typ, fid, n = struct.unpack_from(">BBHII", self.buf, 0)
            if (m0, m1) != (0xC0, 0xC0):
                raise ValueError("bad magic from agent: %r" % bytes(self.buf[:16]))
            if len(self.buf) < 12 + n:
                break
            payload = bytes(self.buf[12:12 + n])
            del self.buf[:12 + n]
            self.dispatch(typ, fid, payload)
        return True

    def dispatch(self, typ, fid, payload):
        if typ in (OK, ERROR):
            self.replies[fid] = (typ, payload)
        elif typ in (STDOUT, STDERR):
            p = self.proc(fid)
            stream = 1 if typ == STDOUT else 2
            if p.eos[stream]:
                raise AssertionError("data after end of stream %d of process %d" % (stream, fid))
            if p.exit is not None:
                raise AssertionError("stream frame after EXIT of process %d" % fid)
            if not payload:
                p.eos[stream] = True
                p.events.append("eos%d" % stream)
                return
            if p.first_output is None:
                p.first_output = time.time()
            (p.out if stream == 1 else p.err).extend(payload)
            p.events.append("out" if stream == 1 else "err")
            p.uncredited += len(payload)
            p.max_uncredited = max(p.max_uncredited, p.uncredited)
            if p.auto_credit:
                self.credit(fid, stream, len(payload))
        elif typ == STDIN_CREDIT:
            self.proc(fid).stdin_credit += Fields(payload).u32(BYTES)
        elif typ == EXIT:
            f = Fields(payload)
            p = self.proc(fid)
            p.exit = ("code", f.u32(EXIT_CODE)) if f.raw(EXIT_CODE) is not None else \
                ("signal", f.u32(SIG))
            p.events.append("exit")
        elif typ == LOG:
            f = Fields(payload)
            self.logs.append((f.u32(LEVEL), f.str(MESSAGE)))
        else:
            raise AssertionError("unexpected frame type 0x%04x" % typ)

    def credit(self, pid, stream, n):
        p = self.proc(pid)
        p.uncredited -= n
        self.send_frame(MSG_CREDIT, pid, u32(STREAM, stream) + u32(BYTES, n))

    # ---- requests ----
    def request_raw(self, typ, payload=b"", timeout=None):
        rid = self.next_id
        self.next_id += 1
        self.send_frame(typ, rid, payload)
        deadline = time.time() + (timeout or self.timeout)
        while rid not in self.replies:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no reply to request type %d (id %d)" % (typ, rid))
            self.pump(left)
        rtyp, rpayload = self.replies.pop(rid)
        return rtyp, Fields(rpayload)

    def request(self, typ, payload=b"", timeout=None):
        rtyp, f = self.request_raw(typ, payload, timeout)
        if rtyp == ERROR:
            raise AgentError(f.u32(ERRNO), f.str(MESSAGE))
        return f

    def hello(self):
        return self.request(HELLO, u32(VERSION, 1))

    def create(self, spec, timeout=None):
        self.proc(1)
        return self.request(CREATE, spec, timeout).u32(PID)

    def start(self):
        return self.request(START)

    def exec(self, pid, proc_tlv):
        self.proc(pid)
        return self.request(EXEC, u32(PROC_ID, pid) + field(PROCESS, proc_tlv)).u32(PID)

    def signal(self, pid, sig, all_=False):
        return self.request(SIGNAL, u32(PROC_ID, pid) + u32(SIG, sig) + (flag(ALL) if all_ else b""))

    def stdin(self, pid, data):
        p = self.proc(pid)
        deadline = time.time() + self.timeout
        while data:
            while p.stdin_credit <= 0:
                if time.time() > deadline:
                    raise TimeoutError("no stdin credit for process %d" % pid)
                self.pump(0.1)
            n = min(len(data), p.stdin_credit)
            self.send_frame(MSG_STDIN, pid, data[:n])
            p.stdin_credit -= n
            data = data[n:]

    def wait_for(self, cond, timeout=None, what="condition"):
        deadline = time.time() + (timeout or self.timeout)
        while not cond():
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("timed out waiting for " + what)
            self.pump(min(left, 0.2))

    def wait_exit(self, pid, timeout=None):
        p = self.proc(pid)
        self.wait_for(lambda: p.exit is not None, timeout, "EXIT of process %d" % pid)
        return p.exit
