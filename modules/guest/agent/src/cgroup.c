/*
 * cgroup.c - the container's guest cgroup (cgroup v2).
 *
 * In the VM the agent mounts cgroup2 at /sys/fs/cgroup, enables the cpu,
 * memory and pids controllers for its children and puts the container
 * (init and every exec'd process) into /sys/fs/cgroup/cocoon (a pod
 * member k into /sys/fs/cgroup/cocoon-k). That cgroup
 * is what SIGNAL ALL, PS and STATS look at, and where CGROUP_MEMORY_MAX /
 * CGROUP_PIDS_MAX apply (and UPDATE's cpu.max / cpu.weight). In host-test mode a cgroup2 directory can be given
 * with --cgroup; without one, "the container's processes" are the agent's
 * processes and their descendants, found by walking /proc.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

int cg_init_root(void)
{
	static const char *const ctl[] = {"+cpu", "+memory", "+pids"};
	if (access("/sys/fs/cgroup/cgroup.procs", F_OK) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (write_file("/sys/fs/cgroup/cgroup.subtree_control", ctl[i]) < 0)
			log_dbg("cgroup controller %s: %s", ctl[i] + 1, strerror(errno));
	return 0;
}

int cg_write(const char *cg, const char *file, const char *val, char *err, size_t errsz)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", cg, file);
	if (write_file(path, val) < 0) {
		snprintf(err, errsz, "cgroup: write %s to %s: %s", val, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* 0 and 2^64-1 both mean "no limit". */
int cg_set_limit(const char *cg, const char *file, uint64_t v, char *err, size_t errsz)
{
	char val[32];
	if (v == 0 || v == UINT64_MAX)
		snprintf(val, sizeof(val), "max");
	else
		snprintf(val, sizeof(val), "%" PRIu64, v);
	return cg_write(cg, file, val, err, errsz);
}

int cg_create(struct ctr *c, const struct container_spec *cs, char *err, size_t errsz)
{
	char path[300];
	if (c->k == 0)
		snprintf(path, sizeof(path), "%s", A.cgroup_base);
	else
		snprintf(path, sizeof(path), "%s-%u", A.cgroup_base, c->k);
	if (strlen(path) >= sizeof(c->cgroup)) {
		snprintf(err, errsz, "cgroup: %s: path too long", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "cgroup: mkdir %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(c->cgroup, sizeof(c->cgroup), "%s", path);
	if (cs->has_mem_max && cg_set_limit(c->cgroup, "memory.max", cs->mem_max, err, errsz) < 0)
		return -1;
	if (cs->has_mem_low && cg_set_limit(c->cgroup, "memory.low", cs->mem_low, err, errsz) < 0)
		return -1;
	if (cs->has_pids_max && cg_set_limit(c->cgroup, "pids.max", cs->pids_max, err, errsz) < 0)
		return -1;
	return 0;
}

int cg_freeze(const char *cg, int frozen, char *err, size_t errsz)
{
	if (cg_write(cg, "cgroup.freeze", frozen ? "1" : "0", err, errsz) < 0)
		return -1;
	char path[300], buf[256], want[16];
	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	snprintf(want, sizeof(want), "frozen %d", frozen);
	for (int i = 0; i < 200; i++) { /* 2 s: a task in an uninterruptible sleep delays the freeze */
		if (read_file(path, buf, sizeof(buf)) == 0 && strstr(buf, want))
			return 0;
		usleep(10000);
	}
	snprintf(err, errsz, "cgroup: %s did not become \"%s\" within 2 s", path, want);
	errno = ETIMEDOUT;
	return -1;
}

int cg_join_self(const char *path)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/cgroup.procs", path);
	return write_file(p, "0");
}

static void push(pid_t **v, size_t *n, size_t *cap, pid_t pid)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		pid_t *nv = realloc(*v, *cap * sizeof(pid_t));
		if (!nv)
			return;
		*v = nv;
	}
	(*v)[(*n)++] = pid;
}

/* Without a cgroup: the agent's live processes and all their descendants. */
static size_t descendants(pid_t **out)
{
	pid_t *v = NULL, *all = NULL, *par = NULL;
	size_t n = 0, cap = 0, na = 0, capa = 0, capp = 0, np = 0;
	for (struct proc *p = A.procs; p; p = p->next)
		if (!p->dead && !p->reaped)
			push(&v, &n, &cap, p->pid);
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (read_file(path, buf, sizeof(buf)) < 0)
			continue;
		char *r = strrchr(buf, ')');
		int ppid;
		if (!r || sscanf(r + 1, " %*c %d", &ppid) != 1)
			continue;
		push(&all, &na, &capa, atoi(e->d_name));
		push(&par, &np, &capp, ppid);
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < n && np == na; i++) /* breadth-first over the ppid links */
		for (size_t j = 0; j < na; j++)
			if (par[j] == v[i])
				push(&v, &n, &cap, all[j]);
	free(all);
	free(par);
	*out = v;
	return n;
}

size_t cg_pids(const char *cg, pid_t **out)
{
	*out = NULL;
	if (!cg[0])
		return descendants(out);
	char path[300];
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	pid_t *v = NULL;
	size_t n = 0, cap = 0;
	int pid;
	while (fscanf(f, "%d", &pid) == 1)
		push(&v, &n, &cap, pid);
	fclose(f);
	*out = v;
	return n;
}
