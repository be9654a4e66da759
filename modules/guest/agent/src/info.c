/*
 * info.c - PS and STATS replies, and small file helpers.
 *
 * PS lists the container's processes (cgroup.procs, see cgroup.c) with data
 * from /proc/N/{stat,status,cmdline}; pids are guest pids. STATS reads the
 * container cgroup's cpu.stat, memory.current, memory.max, memory.stat and
 * pids.current, plus the guest's /proc/meminfo. A value the kernel does not
 * provide (e.g. no memory controller) is reported as 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "channel.h"
#include "frame.h"
#include "proto.h"

int read_file(const char *path, char *buf, size_t sz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n < sz - 1 && (r = read(fd, buf + n, sz - 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		n += (size_t)r;
	}
	buf[n] = 0;
	close(fd);
	return 0;
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static void add_proc(struct tbuf *b, pid_t pid)
{
	char path[64], stat[1024], status[4096], cmd[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, stat, sizeof(stat)) < 0)
		return; /* gone meanwhile */
	char *l = strchr(stat, '('), *r = strrchr(stat, ')');
	char state = '?';
	int ppid = 0;
	if (!l || !r || sscanf(r + 1, " %c %d", &state, &ppid) != 2)
		return;
	*r = 0;
	unsigned uid = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, status, sizeof(status)) == 0) {
		char *u = strstr(status, "\nUid:");
		if (u)
			sscanf(u + 5, "%u", &uid);
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, cmd, sizeof(cmd) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	while (n > 0 && cmd[n - 1] == 0)
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (cmd[i] == 0)
			cmd[i] = ' ';
	cmd[n] = 0;
	if (n == 0)
		snprintf(cmd, sizeof(cmd), "[%s]", l + 1);
	char st[2] = {state, 0};
	size_t mark = tb_begin(b, TAG_PROC);
	tb_u32(b, TAG_PID, (uint32_t)pid);
	tb_u32(b, TAG_PPID, (uint32_t)ppid);
	tb_u32(b, TAG_UID, uid);
	tb_str(b, TAG_STATE, st);
	tb_str(b, TAG_CMD, cmd);
	tb_end(b, mark);
}

void info_ps(uint32_t req, const char *cg)
{
	pid_t *pids;
	size_t n = cg_pids(cg, &pids);
	struct tbuf b;
	tb_init(&b);
	for (size_t i = 0; i < n && b.len < FRAME_MAX_PAYLOAD - 16384; i++)
		add_proc(&b, pids[i]);
	free(pids);
	if (b.oom)
		reply_error(req, ENOMEM, "PS: out of memory");
	else
		channel_send(MSG_OK, req, b.data, b.len);
	tb_free(&b);
}

/* Value of "key N" in a flat keyed file like cpu.stat / memory.stat / meminfo. */
static uint64_t keyed(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s)
		if (!strncmp(s, key, kl) && (s[kl] == ' ' || s[kl] == ':'))
			return strtoull(s + kl + 1, NULL, 10);
	return 0;
}

static uint64_t cg_value(const char *cg, const char *file, int *present)
{
	char path[300], buf[64];
	snprintf(path, sizeof(path), "%s/%s", cg, file);
	if (!cg[0] || read_file(path, buf, sizeof(buf)) < 0) {
		if (present)
			*present = 0;
		return 0;
	}
	if (present)
		*present = strncmp(buf, "max", 3) != 0;
	return strtoull(buf, NULL, 10);
}

void info_stats(uint32_t req, const char *cg)
{
	static char buf[8192];
	char path[300];
	uint64_t usage = 0, user = 0, sys = 0, cache = 0, ooms = 0;
	if (cg[0]) {
		snprintf(path, sizeof(path), "%s/cpu.stat", cg);
		if (read_file(path, buf, sizeof(buf)) == 0) {
			usage = keyed(buf, "usage_usec") * 1000;
			user = keyed(buf, "user_usec") * 1000;
			sys = keyed(buf, "system_usec") * 1000;
		}
		snprintf(path, sizeof(path), "%s/memory.stat", cg);
		if (read_file(path, buf, sizeof(buf)) == 0)
			cache = keyed(buf, "file");
		snprintf(path, sizeof(path), "%s/memory.events", cg);
		if (read_file(path, buf, sizeof(buf)) == 0)
			ooms = keyed(buf, "oom_kill");
	}
	uint64_t total = 0, avail = 0;
	if (read_file("/proc/meminfo", buf, sizeof(buf)) == 0) {
		total = keyed(buf, "MemTotal") * 1024;
		avail = keyed(buf, "MemAvailable") * 1024;
	}
	int limited = 0;
	uint64_t limit = cg_value(cg, "memory.max", &limited);
	if (!limited || limit > total)
		limit = total;
	int have_pids = 1;
	uint64_t npids = cg_value(cg, "pids.current", &have_pids);
	if (!have_pids) { /* no pids controller: count the processes */
		pid_t *pids;
		npids = cg_pids(cg, &pids);
		free(pids);
	}
	struct tbuf b;
	tb_init(&b);
	tb_u64(&b, TAG_CPU_NS, usage);
	tb_u64(&b, TAG_CPU_USER_NS, user);
	tb_u64(&b, TAG_CPU_SYSTEM_NS, sys);
	tb_u64(&b, TAG_MEM_USAGE, cg_value(cg, "memory.current", NULL));
	tb_u64(&b, TAG_MEM_LIMIT, limit);
	tb_u64(&b, TAG_MEM_CACHE, cache);
	tb_u64(&b, TAG_PIDS, npids);
	tb_u64(&b, TAG_MEM_TOTAL, total);
	tb_u64(&b, TAG_MEM_AVAILABLE, avail);
	tb_u64(&b, TAG_OOM_KILLS, ooms);
	channel_send(MSG_OK, req, b.data, b.len);
	tb_free(&b);
}
