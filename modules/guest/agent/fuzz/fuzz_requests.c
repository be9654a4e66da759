/*
 * fuzz_requests.c - the request dispatcher (requests.c) fed with a byte
 * stream of frames, cut by the real frame_parse as channel.c does.
 *
 * requests.c, frame.c and spec.c are the real code; what they call to act
 * on the system (spawning, cgroups, stdio streams, PS/STATS, kill(2),
 * clock_settime(2), the channel) is replaced below by recorders that check
 * their arguments. A CREATE whose first ARG is not "fail" "spawns" a
 * container init that START can start; an EXEC likewise adds a process, so
 * one input can walk a whole session (HELLO, CREATE, START, EXEC, SIGNAL,
 * RESIZE, UPDATE, STDIN, CREDIT, SHUTDOWN).
 *
 * Properties: every request (type below 0x100) gets exactly one reply, OK or
 * ERROR, with its id; the only exception is a CREATE/EXEC that was spawned
 * (the child's setup result answers it later). An ERROR carries a non-zero
 * ERRNO and a one-line MESSAGE. Other types get no reply. Payloads handed
 * on stay inside the frame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "channel.h"
#include "frame.h"
#include "log.h"
#include "proto.h"
#include "spec_check.h"

struct agent A;
int log_debug_enabled;

static struct {
	const uint8_t *lo, *hi; /* the current frame's payload */
	uint32_t id;
	int replies, spawned;
} cur;

static struct proc procs[16];
static size_t nprocs;

/* ---- the channel and the log ---- */

void channel_send(uint16_t type, uint32_t id, const void *payload, size_t len)
{
	FUZZ_CHECK(type == MSG_OK || type == MSG_ERROR, "sent type 0x%04x", type);
	FUZZ_CHECK(id == cur.id, "reply to %u while handling %u", id, cur.id);
	FUZZ_CHECK(len <= FRAME_MAX_PAYLOAD && (len == 0 || payload), "reply of %zu bytes", len);
	FUZZ_CHECK(tlv_check(payload, len) == 0, "reply payload is not TLV");
	if (type == MSG_ERROR) {
		const uint8_t *v;
		uint32_t vl, eno;
		FUZZ_CHECK(tlv_find(payload, len, TAG_ERRNO, &v, &vl) == 1 && tlv_u32(v, vl, &eno) == 0 && eno != 0,
			   "ERROR without a non-zero ERRNO");
		FUZZ_CHECK(tlv_find(payload, len, TAG_MESSAGE, &v, &vl) == 1 && vl > 0 && tlv_str_ok(v, vl) == 0 &&
				   !memchr(v, '\n', vl),
			   "ERROR without a one-line MESSAGE");
	}
	cur.replies++;
}

void channel_flush_blocking(int timeout_ms) { (void)timeout_ms; }
void log_set_host(int connected) { (void)connected; }
void logm(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

/* ---- main.c, info.c, cgroup.c ---- */

int64_t now_ms(void) { return 1000; }
void agent_exit_or_reboot(void) { FUZZ_CHECK(0, "agent_exit_or_reboot from a request"); abort(); }

int read_file(const char *path, char *buf, size_t sz)
{
	(void)path;
	snprintf(buf, sz, "12.34 5.67\n");
	return 0;
}

void info_ps(uint32_t req, const char *cg) { (void)cg; channel_send(MSG_OK, req, NULL, 0); }
void info_stats(uint32_t req, const char *cg) { (void)cg; channel_send(MSG_OK, req, NULL, 0); }

size_t cg_pids(const char *cg, pid_t **out)
{
	(void)cg;
	*out = NULL;
	return 0;
}

int cg_freeze(const char *cg, int frozen, char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	FUZZ_CHECK(cg[0] && (frozen == 0 || frozen == 1), "freeze %d of cgroup '%s'", frozen, cg);
	return 0;
}

int write_file(const char *path, const char *s)
{
	FUZZ_CHECK(strstr(path, "/sys/fs/cgroup/"), "write of %s to %s", s, path);
	return 0;
}

/* shares.c mounts for real: record the request's shares instead (decoded, so well formed). */
int shares_mount(const struct container_spec *cs, char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	for (size_t i = 0; i < cs->nshares; i++)
		FUZZ_CHECK(cs->shares[i].dest && cs->shares[i].dest[0] == '/', "share without an absolute dest");
	return 0;
}

/* clone.c and netconf.c's MAC remap touch the kernel for real: check what they are given. */
int rng_reseed(const uint8_t *bytes, uint32_t len, char *err, size_t errsz)
{
	FUZZ_CHECK(bytes != NULL || len == 0, "rng_reseed without bytes");
	if (len >= 16 && len <= 64)
		return 0;
	snprintf(err, errsz, "SEED: %u bytes (want 16 to 64)", len); /* as clone.c: an error always says why */
	return -1;
}

int netconf_remap_mac(const char *from, const char *to, char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	FUZZ_CHECK(from && to && strlen(from) < 64 && strlen(to) < 64, "MAC_MAP pair");
	return 0;
}

/* netconf.c talks to rtnetlink for real: check the decoded interfaces instead. */
int netconf_apply(const struct netif_spec *nf, size_t count, char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	for (size_t i = 0; i < count; i++)
		FUZZ_CHECK(nf[i].name && nf[i].mac && strlen(nf[i].mac) == 17 && (!nf[i].new_mac || strlen(nf[i].new_mac) == 17),
			   "netif %zu badly decoded", i);
	return 0;
}

/* devices.c loads BPF for real: check the decoded rules instead. */
int devcg_load(const struct container_spec *cs, char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	for (size_t i = 0; i < cs->nrules; i++)
		FUZZ_CHECK(strchr("acb", cs->rules[i].type) && cs->rules[i].access && cs->rules[i].access <= 7,
			   "device rule %zu badly decoded", i);
	return -1;
}

int cg_create(struct ctr *c, const struct container_spec *cs, char *err, size_t errsz)
{
	(void)cs;
	(void)err;
	(void)errsz;
	snprintf(c->cgroup, sizeof(c->cgroup), "%s-%u", A.cgroup_base, c->k);
	return 0;
}

int cg_write(const char *cg, const char *file, const char *val, char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	FUZZ_CHECK(cg[0], "cgroup write without a cgroup");
	FUZZ_CHECK(!strcmp(file, "cpu.max") || !strcmp(file, "cpu.weight"), "write to %s", file);
	FUZZ_CHECK(strlen(val) <= 64, "cgroup value of %zu bytes", strlen(val));
	return 0;
}

int cg_set_limit(const char *cg, const char *file, uint64_t v, char *err, size_t errsz)
{
	(void)cg;
	(void)v;
	(void)err;
	(void)errsz;
	FUZZ_CHECK(!strcmp(file, "memory.max") || !strcmp(file, "pids.max"), "limit %s", file);
	return 0;
}

/* ---- spawn.c and streams.c ---- */

struct proc *proc_find(uint32_t id)
{
	for (size_t i = 0; i < nprocs; i++)
		if (procs[i].id == id && !procs[i].dead)
			return &procs[i];
	return NULL;
}

struct proc *proc_spawn(uint32_t id, uint32_t req, const struct proc_spec *ps, const struct container_spec *cs,
			char *err, size_t errsz, int *eno)
{
	FUZZ_CHECK(req == cur.id, "spawn for request %u while handling %u", req, cur.id);
	FUZZ_CHECK(IS_INIT(id) == (cs != NULL), "spawn of process %u with%s a container spec", id, cs ? "" : "out");
	FUZZ_CHECK(CTR_OF(id) == CTR_OF(req), "spawn of process %u for request %u of another container", id, req);
	check_proc(ps);
	if (!strcmp(ps->argv[0], "fail") || nprocs == sizeof(procs) / sizeof(procs[0])) {
		snprintf(err, errsz, "spawn refused");
		*eno = EAGAIN;
		return NULL;
	}
	struct proc *p = &procs[nprocs++];
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->pid = (pid_t)(1000 + nprocs);
	p->state = IS_INIT(id) ? P_CREATED : P_RUNNING;
	p->terminal = ps->terminal;
	p->out[0].ev.fd = p->out[1].ev.fd = p->in.fd = -1; /* RESIZE then answers ENOTTY */
	p->next = A.procs; /* SHUTDOWN's kill_all walks the table */
	A.procs = p;
	cur.spawned++;
	return p;
}

void proc_start(struct proc *p) { p->state = P_RUNNING; }

void streams_reattach(struct proc *p) { FUZZ_CHECK(p != NULL, "reattach without a process"); }

void streams_credit(struct proc *p, uint32_t stream, uint32_t bytes)
{
	(void)bytes;
	FUZZ_CHECK(p && (stream == 1 || stream == 2), "credit for stream %u", stream);
}

void streams_stdin(struct proc *p, const uint8_t *data, uint32_t len)
{
	FUZZ_CHECK(p, "stdin for no process");
	FUZZ_CHECK(len == 0 || (data >= cur.lo && data + len <= cur.hi), "stdin outside the frame");
}

void streams_close_stdin(struct proc *p) { FUZZ_CHECK(p, "close_stdin for no process"); }

/* ---- system calls that must not reach the machine (linked with --wrap) ---- */

int __wrap_kill(pid_t pid, int sig)
{
	FUZZ_CHECK(sig >= 0 && sig <= 64, "kill %d with signal %d", (int)pid, sig);
	FUZZ_CHECK(pid >= 1001, "kill of pid %d, not a process of this harness", (int)pid);
	return 0;
}

int __wrap_clock_settime(clockid_t clk, const struct timespec *ts)
{
	FUZZ_CHECK(clk == CLOCK_REALTIME && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L, "clock_settime");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	free(A.used_ids);
	memset(&A, 0, sizeof(A));
	A.self_pidns = -1;
	A.cap_last = 40;
	snprintf(A.cgroup_base, sizeof(A.cgroup_base), "/sys/fs/cgroup/cocoon");
	nprocs = 0;

	size_t off = 0;
	for (;;) {
		struct frame fr;
		size_t used;
		enum frame_status st = frame_parse(data + off, size - off, &fr, &used, NULL);
		if (st == FRAME_NEED_MORE)
			break;
		off += used;
		if (st == FRAME_BAD)
			continue;
		memset(&cur, 0, sizeof(cur));
		cur.id = fr.id;
		cur.lo = fr.payload;
		cur.hi = fr.payload + fr.len;
		requests_handle(fr.type, fr.id, fr.payload, fr.len);
		if (fr.type < 0x0100) {
			int spawning = (fr.type == MSG_CREATE || fr.type == MSG_EXEC) && cur.spawned;
			FUZZ_CHECK(cur.replies == (spawning ? 0 : 1), "request type 0x%04x id %u got %d replies",
				   fr.type, fr.id, cur.replies);
		} else {
			FUZZ_CHECK(cur.replies == 0, "message type 0x%04x got %d replies", fr.type, cur.replies);
		}
	}
	return 0;
}
