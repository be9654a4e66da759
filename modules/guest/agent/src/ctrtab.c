/*
 * ctrtab.c - the containers of the VM: one, or a pod's sandbox (container 0) and its members.
 *
 * A member is created in the sandbox's VM when its spec joins the sandbox's namespaces (CRI,
 * podman pods); the host's pod proxy gives it a container number and puts its frame ids in
 * that number's range (agent.h). Each container has its own guest cgroup: container 0 the
 * agent's base cgroup (/sys/fs/cgroup/cocoon), member k the sibling "<base>-k".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

struct ctr *ctr_find(uint32_t k)
{
	for (int i = 0; i < CTR_SLOTS; i++)
		if (A.ctrs[i].used && A.ctrs[i].k == k)
			return &A.ctrs[i];
	return NULL;
}

struct ctr *ctr_claim(uint32_t k)
{
	if (ctr_find(k))
		return NULL;
	for (int i = 0; i < CTR_SLOTS; i++) {
		struct ctr *c = &A.ctrs[i];
		if (!c->used) {
			memset(c, 0, sizeof(*c));
			c->used = 1;
			c->k = k;
			c->devcg_fd = -1;
			return c;
		}
	}
	return NULL;
}

const char *ctr_cgroup(uint32_t k)
{
	struct ctr *c = ctr_find(k);
	return c ? c->cgroup : "";
}

void ctr_init_gone(uint32_t k)
{
	struct ctr *c = ctr_find(k);
	if (!c)
		return;
	if (c->devcg_fd >= 0)
		close(c->devcg_fd);
	c->devcg_fd = -1;
	if (c->cgroup[0]) {
		/* the rest of the container goes with its init, as the kernel does for a pid namespace */
		char path[300];
		snprintf(path, sizeof(path), "%s/cgroup.kill", c->cgroup);
		if (k != 0 && write_file(path, "1") < 0)
			log_dbg("%s: %s", path, strerror(errno));
		if (rmdir(c->cgroup) < 0)
			log_dbg("rmdir %s: %s (removed when its last process is gone)", c->cgroup, strerror(errno));
	}
	c->used = 0;
}
