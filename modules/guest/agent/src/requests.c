/*
 * requests.c - one handler per request type of the protocol.
 *
 * Each request gets exactly one OK or ERROR with its id. CREATE and EXEC
 * reply later, when the forked child has reported the outcome of its setup
 * (process.c); all other requests reply before returning. Malformed payloads
 * get EINVAL naming the field; unknown request types get EOPNOTSUPP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "channel.h"
#include "frame.h"
#include "log.h"
#include "proto.h"

void reply_error(uint32_t id, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	msg[strcspn(msg, "\n")] = 0;
	struct tbuf b;
	tb_init(&b);
	tb_u32(&b, TAG_ERRNO, (uint32_t)err);
	tb_str(&b, TAG_MESSAGE, msg);
	channel_send(MSG_ERROR, id, b.data, b.len);
	tb_free(&b);
	log_dbg("request %u failed: %s", id, msg);
}

void reply_ok_empty(uint32_t id) { channel_send(MSG_OK, id, NULL, 0); }

/* 1 present, 0 absent and optional; -1 error (already replied). */
static int field_u32(uint32_t id, const uint8_t *p, uint32_t len, uint16_t tag, const char *name,
		     int required, uint32_t *out)
{
	const uint8_t *v;
	uint32_t vl;
	int r = tlv_find(p, len, tag, &v, &vl);
	if (r == 0 && !required)
		return 0;
	if (r == 0) {
		reply_error(id, EINVAL, "%s: missing", name);
		return -1;
	}
	if (r < 0 || tlv_u32(v, vl, out) < 0) {
		reply_error(id, EINVAL, "%s: %s", name, r < 0 ? "truncated payload" : "wrong length (want 4)");
		return -1;
	}
	return 1;
}

/* The process named by PROC_ID (local to the request's container), or NULL after replying ESRCH/EINVAL. */
static struct proc *target(uint32_t id, const uint8_t *p, uint32_t len, const char *req)
{
	uint32_t pid;
	if (field_u32(id, p, len, TAG_PROC_ID, "PROC_ID", 1, &pid) < 0)
		return NULL;
	if (pid > CTR_MASK) {
		reply_error(id, EINVAL, "PROC_ID: %u is beyond a container's range", pid);
		return NULL;
	}
	struct proc *pr = proc_find(CTR_ID(CTR_OF(id), pid));
	if (!pr || pr->reaped || pr->state == P_FAILED) {
		reply_error(id, ESRCH, "%s: process %u does not exist or has exited", req, pid);
		return NULL;
	}
	return pr;
}

/*
 * A guest restored from a template shares the template's kernel RNG state with every other
 * clone: mix in the host's bytes and force a reseed, before anything in the container can
 * draw from it. Then give the NICs the container's MACs. Returns -1 after replying an error.
 */
static int clone_identity(uint32_t id, const uint8_t *p, uint32_t len)
{
	const uint8_t *v;
	uint32_t vl;
	if (tlv_find(p, len, TAG_SEED, &v, &vl) == 1) {
		char err[256] = "";
		if (rng_reseed(v, vl, err, sizeof(err)) < 0) {
			reply_error(id, EINVAL, "%s", err);
			return -1;
		}
	}
	struct tlv_iter it;
	uint16_t tag;
	tlv_iter_init(&it, p, len);
	while (tlv_next(&it, &tag, &v, &vl) == 1) {
		if (tag != TAG_MAC_MAP)
			continue;
		char pair[64], err[256] = "";
		if (vl >= sizeof(pair)) {
			reply_error(id, EINVAL, "MAC_MAP: %u bytes is too long", vl);
			return -1;
		}
		memcpy(pair, v, vl);
		pair[vl] = 0;
		char *sp = strchr(pair, ' ');
		if (!sp) {
			reply_error(id, EINVAL, "MAC_MAP: \"%s\" is not \"OLD NEW\"", pair);
			return -1;
		}
		*sp = 0;
		if (netconf_remap_mac(pair, sp + 1, err, sizeof(err)) < 0) {
			reply_error(id, ENODEV, "%s", err);
			return -1;
		}
	}
	return 0;
}

/*
 * A VM restored from a checkpoint has a new host: what the old one was sent but had not
 * read went with it, so the container's processes get fresh output windows and stdin credit.
 */
static void do_reattach(uint32_t id)
{
	uint32_t k = CTR_OF(id);
	if (!ctr_find(k)) {
		reply_error(id, ESRCH, "REATTACH: container %u does not exist in this VM", k);
		return;
	}
	int n = 0;
	for (struct proc *pr = A.procs; pr; pr = pr->next) {
		if (CTR_OF(pr->id) != k || pr->dead)
			continue;
		streams_reattach(pr);
		n++;
	}
	log_dbg("REATTACH: container %u, %d processes", k, n);
	reply_ok_empty(id);
}

static void do_hello(uint32_t id, const uint8_t *p, uint32_t len)
{
	uint32_t v;
	if (field_u32(id, p, len, TAG_VERSION, "VERSION", 1, &v) < 0)
		return;
	if (v < 1) {
		reply_error(id, EPROTONOSUPPORT, "VERSION: the agent speaks protocol 1, host offers %u", v);
		return;
	}
	/* The guest has no RTC (docs/agent-protocol.md): take the wall clock from the host. */
	const uint8_t *tv;
	uint32_t tlen;
	uint64_t now_ns;
	if (tlv_find(p, len, TAG_TIME_NS, &tv, &tlen) == 1 && tlv_u64(tv, tlen, &now_ns) == 0 && now_ns > 0) {
		struct timespec ts = {.tv_sec = (time_t)(now_ns / 1000000000ULL), .tv_nsec = (long)(now_ns % 1000000000ULL)};
		if (clock_settime(CLOCK_REALTIME, &ts) < 0)
			log_warn("HELLO: cannot set the clock: %s", strerror(errno));
	}
	if (clone_identity(id, p, len) < 0)
		return;
	struct utsname u;
	uname(&u);
	char up[64] = "0";
	read_file("/proc/uptime", up, sizeof(up));
	uint64_t boot_ms = (uint64_t)(strtod(up, NULL) * 1000.0);
	struct tbuf b;
	tb_init(&b);
	tb_u32(&b, TAG_VERSION, PROTO_VERSION);
	tb_str(&b, TAG_AGENT_VERSION, AGENT_VERSION);
	tb_str(&b, TAG_KERNEL, u.release);
	tb_u64(&b, TAG_BOOT_MS, boot_ms);
	/* what this agent serves beyond protocol version 1: the host checks before using it */
	static const char *const ext[] = {"shares", "devices", "net", "files", "netconf", "pods"};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		tb_str(&b, TAG_EXTENSION, ext[i]);
	channel_send(MSG_OK, id, b.data, b.len);
	tb_free(&b);
	log_set_host(1);
	log_dbg("HELLO: host protocol %u, boot %llu ms", v, (unsigned long long)boot_ms);
}

static void do_create(uint32_t id, const uint8_t *p, uint32_t len)
{
	uint32_t k = CTR_OF(id);
	if (ctr_find(k)) {
		reply_error(id, EEXIST, "CREATE: container %u already exists in this VM", k);
		return;
	}
	struct arena ar = {0};
	struct container_spec cs;
	struct ctr *c = NULL;
	char err[512];
	int eno = EINVAL;
	if (spec_decode_container(p, len, &ar, &cs, err, sizeof(err)) < 0) {
		reply_error(id, EINVAL, "%s", err);
		goto out;
	}
	if (cs.join_ns && (k == 0 || !proc_find(CTR_ID(0, 1)) || proc_find(CTR_ID(0, 1))->reaped)) {
		reply_error(id, ESRCH, "CREATE: %s", k == 0 ? "the first container of a VM has no sandbox to join"
								   : "the pod's sandbox container is not running");
		goto out;
	}
	if (!(c = ctr_claim(k))) {
		reply_error(id, ENOSPC, "CREATE: %d containers in this VM already", CTR_SLOTS);
		goto out;
	}
	if (netconf_apply(cs.netifs, cs.nnetifs, err, sizeof(err)) < 0) {
		reply_error(id, errno ? errno : EIO, "%s", err);
		goto out;
	}
	if (shares_mount(&cs, err, sizeof(err)) < 0) {
		reply_error(id, errno ? errno : EIO, "%s", err);
		goto out;
	}
	if (A.cgroup_base[0] && cg_create(c, &cs, err, sizeof(err)) < 0) {
		reply_error(id, errno, "%s", err);
		goto out;
	}
	c->devcg_fd = c->cgroup[0] ? devcg_load(&cs, err, sizeof(err)) : -1;
	if (c->devcg_fd == -2) {
		c->devcg_fd = -1;
		reply_error(id, EINVAL, "%s", err);
		goto out;
	}
	if (!proc_spawn(CTR_ID(k, 1), id, &cs.process, &cs, err, sizeof(err), &eno)) {
		reply_error(id, eno, "%s", err);
		goto out;
	}
	c = NULL; /* the container lives on; spawn.c releases it if the setup fails */
out:
	if (c)
		ctr_init_gone(k);
	arena_free(&ar);
}

static void do_start(uint32_t id)
{
	struct proc *p = proc_find(CTR_ID(CTR_OF(id), 1));
	if (!p || p->reaped || p->state == P_FAILED) {
		reply_error(id, ESRCH, "START: no container init (CREATE first, or it has exited)");
		return;
	}
	if (p->state != P_CREATED) {
		reply_error(id, EINVAL, "START: the container has already been started");
		return;
	}
	proc_start(p);
	reply_ok_empty(id);
}

static void do_exec(uint32_t id, const uint8_t *p, uint32_t len)
{
	uint32_t pid;
	const uint8_t *v;
	uint32_t vl;
	if (field_u32(id, p, len, TAG_PROC_ID, "PROC_ID", 1, &pid) < 0)
		return;
	if (pid < 2 || pid > CTR_MASK) {
		reply_error(id, EINVAL, "PROC_ID: %u is not an exec process id (2 to %u)", pid, CTR_MASK);
		return;
	}
	pid = CTR_ID(CTR_OF(id), pid);
	for (size_t i = 0; i < A.nused; i++)
		if (A.used_ids[i] == pid) {
			reply_error(id, EEXIST, "PROC_ID: %u has already been used", pid);
			return;
		}
	struct proc *init = proc_find(CTR_ID(CTR_OF(id), 1));
	if (!init || init->reaped || (init->state != P_CREATED && init->state != P_RUNNING)) {
		reply_error(id, ESRCH, "EXEC: the container is not running");
		return;
	}
	if (tlv_find(p, len, TAG_PROCESS, &v, &vl) != 1) {
		reply_error(id, EINVAL, "PROCESS: missing");
		return;
	}
	struct arena ar = {0};
	struct proc_spec ps;
	char err[512];
	int eno = EINVAL;
	uint32_t *ids = NULL;
	if (spec_decode_process(v, vl, &ar, &ps, err, sizeof(err)) < 0)
		reply_error(id, EINVAL, "%s", err);
	else if (!proc_spawn(pid, id, &ps, NULL, err, sizeof(err), &eno))
		reply_error(id, eno, "%s", err);
	else if ((A.nused & 63) == 0 && !(ids = realloc(A.used_ids, (A.nused + 64) * sizeof(*ids))))
		log_warn("out of memory remembering process id %u", pid);
	else {
		if (ids)
			A.used_ids = ids;
		A.used_ids[A.nused++] = pid;
	}
	arena_free(&ar);
}

static void do_signal(uint32_t id, const uint8_t *p, uint32_t len)
{
	uint32_t sig;
	struct proc *pr = target(id, p, len, "SIGNAL");
	if (!pr || field_u32(id, p, len, TAG_SIGNAL, "SIGNAL", 1, &sig) < 0)
		return;
	if (sig > 64) {
		reply_error(id, EINVAL, "SIGNAL: %u is not a signal number", sig);
		return;
	}
	const uint8_t *v;
	uint32_t vl;
	if (tlv_find(p, len, TAG_ALL, &v, &vl) == 1) {
		pid_t *pids;
		size_t n = cg_pids(ctr_cgroup(CTR_OF(id)), &pids);
		for (size_t i = 0; i < n; i++)
			kill(pids[i], (int)sig);
		free(pids);
		log_dbg("SIGNAL %u to %zu processes of container %u", sig, n, CTR_OF(id));
	} else if (kill(pr->pid, (int)sig) < 0) {
		reply_error(id, errno, "SIGNAL: kill %d: %s", (int)pr->pid, strerror(errno));
		return;
	}
	reply_ok_empty(id);
}

static void do_resize(uint32_t id, const uint8_t *p, uint32_t len)
{
	uint32_t rows, cols;
	struct proc *pr = target(id, p, len, "RESIZE");
	if (!pr || field_u32(id, p, len, TAG_ROWS, "ROWS", 1, &rows) < 0 ||
	    field_u32(id, p, len, TAG_COLS, "COLS", 1, &cols) < 0)
		return;
	if (!pr->terminal || pr->out[0].ev.fd < 0) {
		reply_error(id, ENOTTY, "RESIZE: process %u has no terminal", pr->id);
		return;
	}
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	if (ioctl(pr->out[0].ev.fd, TIOCSWINSZ, &ws) < 0)
		reply_error(id, errno, "RESIZE: %s", strerror(errno));
	else
		reply_ok_empty(id);
}

static void do_close_stdin(uint32_t id, const uint8_t *p, uint32_t len)
{
	struct proc *pr = target(id, p, len, "CLOSE_STDIN");
	if (!pr)
		return;
	streams_close_stdin(pr);
	reply_ok_empty(id);
}

/* Signals every process of the container (in the VM: every process). */
void kill_all(int sig)
{
	if (A.pid1) {
		kill(-1, sig); /* all processes but init itself */
		return;
	}
	pid_t *pids;
	size_t n = cg_pids("", &pids);
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	free(pids);
	for (struct proc *p = A.procs; p; p = p->next)
		if (!p->dead && !p->reaped)
			kill(p->pid, sig);
}

static void do_shutdown(uint32_t id, const uint8_t *p, uint32_t len)
{
	uint32_t ms = 2000;
	if (field_u32(id, p, len, TAG_TIMEOUT_MS, "TIMEOUT_MS", 0, &ms) < 0)
		return;
	reply_ok_empty(id);
	log_dbg("SHUTDOWN: SIGTERM, then SIGKILL after %u ms", ms);
	kill_all(SIGTERM);
	A.shutdown_phase = 1;
	A.shutdown_at = now_ms() + ms;
}

/* Called by the loop at the deadline, or as soon as no process is left. */
void shutdown_tick(void)
{
	if (A.shutdown_phase == 1) {
		kill_all(SIGKILL);
		A.shutdown_phase = 2;
		A.shutdown_at = now_ms() + 500; /* time for the last EXIT frames */
		if (A.procs)
			return;
	}
	channel_flush_blocking(1000);
	sync();
	if (A.pid1) {
		static const char *const mnts[] = {"/sys/fs/cgroup", "/tmp", "/run", "/dev/pts", "/sys"};
		for (size_t i = 0; i < sizeof(mnts) / sizeof(mnts[0]); i++)
			umount2(mnts[i], MNT_DETACH);
	}
	agent_exit_or_reboot();
}

/* UPDATE: new limits for the container's cgroup (0 = no limit). */
/* NETCONF: interfaces attached after CREATE (an engine's CNI run into the monitor's netns). */
static void do_netconf(uint32_t id, const uint8_t *p, uint32_t len)
{
	struct arena ar = {0};
	struct netif_spec *nf;
	size_t n;
	char err[512];
	if (spec_decode_netconf(p, len, &ar, &nf, &n, err, sizeof(err)) < 0)
		reply_error(id, EINVAL, "%s", err);
	else if (netconf_apply(nf, n, err, sizeof(err)) < 0)
		reply_error(id, errno ? errno : EIO, "%s", err);
	else
		reply_ok_empty(id);
	arena_free(&ar);
}

/* FREEZE / THAW: the container's cgroup (runc's pause), for a pod member: its VM is shared. */
static void do_freeze(uint32_t id, int frozen)
{
	struct ctr *c = ctr_find(CTR_OF(id));
	char err[512];
	if (!c || !c->cgroup[0])
		reply_error(id, !c ? ESRCH : EOPNOTSUPP, "%s: %s", frozen ? "FREEZE" : "THAW",
			    !c ? "no container" : "the container has no cgroup");
	else if (cg_freeze(c->cgroup, frozen, err, sizeof(err)) < 0)
		reply_error(id, errno ? errno : EIO, "%s", err);
	else
		reply_ok_empty(id);
}

static void do_update(uint32_t id, const uint8_t *p, uint32_t len)
{
	static const struct {
		uint16_t tag;
		const char *name, *file;
	} f[] = {{TAG_CGROUP_MEMORY_MAX, "CGROUP_MEMORY_MAX", "memory.max"},
		 {TAG_CGROUP_PIDS_MAX, "CGROUP_PIDS_MAX", "pids.max"},
		 {TAG_CPU_MAX, "CPU_MAX", "cpu.max"},
		 {TAG_CPU_WEIGHT, "CPU_WEIGHT", "cpu.weight"}};
	const uint8_t *v[4];
	uint32_t vl[4];
	int have[4];
	for (int i = 0; i < 4; i++) { /* validate everything before writing anything */
		have[i] = tlv_find(p, len, f[i].tag, &v[i], &vl[i]) == 1;
		if (!have[i])
			continue; /* v[i]/vl[i] are unset then: an empty UPDATE made memchr read a wild pointer (fuzz_requests) */
		int bad = f[i].tag == TAG_CPU_MAX ? tlv_str_ok(v[i], vl[i]) < 0 || vl[i] > 64 : vl[i] != 8;
		if (bad) {
			reply_error(id, EINVAL, "%s: bad value", f[i].name);
			return;
		}
	}
	struct ctr *c = ctr_find(CTR_OF(id));
	if (!c || !c->cgroup[0]) {
		reply_error(id, !c ? ESRCH : EOPNOTSUPP, "UPDATE: %s", !c ? "no container" : "the container has no cgroup");
		return;
	}
	char err[512], s[80];
	for (int i = 0; i < 4; i++) {
		if (!have[i])
			continue;
		int r;
		if (f[i].tag == TAG_CPU_MAX) {
			memcpy(s, v[i], vl[i]);
			s[vl[i]] = 0;
			r = cg_write(c->cgroup, f[i].file, s, err, sizeof(err));
		} else if (f[i].tag == TAG_CPU_WEIGHT) {
			snprintf(s, sizeof(s), "%llu", (unsigned long long)be64(v[i]));
			r = cg_write(c->cgroup, f[i].file, s, err, sizeof(err));
		} else {
			r = cg_set_limit(c->cgroup, f[i].file, be64(v[i]), err, sizeof(err));
		}
		if (r < 0) {
			reply_error(id, errno, "UPDATE: %s", err);
			return;
		}
	}
	reply_ok_empty(id);
}

static void do_credit(uint32_t id, const uint8_t *p, uint32_t len)
{
	const uint8_t *v;
	uint32_t vl, stream, bytes;
	struct proc *pr = proc_find(id);
	if (tlv_find(p, len, TAG_STREAM, &v, &vl) != 1 || tlv_u32(v, vl, &stream) < 0 ||
	    tlv_find(p, len, TAG_BYTES, &v, &vl) != 1 || tlv_u32(v, vl, &bytes) < 0 || stream < 1 ||
	    stream > 2) {
		log_warn("malformed CREDIT for process %u ignored", id);
		return;
	}
	if (pr)
		streams_credit(pr, stream, bytes);
}

void requests_handle(uint16_t type, uint32_t id, const uint8_t *p, uint32_t len)
{
	if (type >= MSG_HELLO && type <= MSG_REATTACH && type != MSG_PING && tlv_check(p, len) < 0) {
		reply_error(id, EINVAL, "payload: truncated field");
		return;
	}
	switch (type) {
	case MSG_HELLO: do_hello(id, p, len); break;
	case MSG_CREATE: do_create(id, p, len); break;
	case MSG_START: do_start(id); break;
	case MSG_EXEC: do_exec(id, p, len); break;
	case MSG_SIGNAL: do_signal(id, p, len); break;
	case MSG_RESIZE: do_resize(id, p, len); break;
	case MSG_CLOSE_STDIN: do_close_stdin(id, p, len); break;
	case MSG_PS: info_ps(id, ctr_cgroup(CTR_OF(id))); break;
	case MSG_STATS: info_stats(id, ctr_cgroup(CTR_OF(id))); break;
	case MSG_SHUTDOWN: do_shutdown(id, p, len); break;
	case MSG_PING: reply_ok_empty(id); break;
	case MSG_UPDATE: do_update(id, p, len); break;
	case MSG_NETCONF: do_netconf(id, p, len); break;
	case MSG_FREEZE: do_freeze(id, 1); break;
	case MSG_THAW: do_freeze(id, 0); break;
	case MSG_REATTACH: do_reattach(id); break;
	case MSG_STDIN: {
		struct proc *pr = proc_find(id);
		if (pr)
			streams_stdin(pr, p, len);
		else
			log_warn("STDIN for unknown process %u dropped", id);
		break;
	}
	case MSG_CREDIT: do_credit(id, p, len); break;
	default:
		if (type < 0x0100) /* the request range: the host waits for a reply */
			reply_error(id, EOPNOTSUPP, "unknown request type 0x%04x", type);
		else
			log_warn("unknown message type 0x%04x ignored", type);
	}
}
