/*
 * shares.c - the VM's shared directories (CREATE's SHARE fields).
 *
 * A virtio-9p tag can be mounted only once at a time (the kernel's channel
 * is "in use" until unmounted), and every container of the VM takes its
 * rootfs and binds from the same share: so the agent mounts each share once,
 * in its own mount namespace, the first time a CREATE names it; a container
 * init's mount namespace is cloned from the agent's and sees it there. The
 * share is not mounted at boot: a VM template is snapshotted with the device
 * present but unmounted (QEMU refuses to migrate a mounted 9p export).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "agent.h"
#include "log.h"
#include "path.h"

#define MAX_SHARES 8

static char mounted[MAX_SHARES][256];
static size_t nmounted;

static int is_mounted(const char *dest)
{
	for (size_t i = 0; i < nmounted; i++)
		if (!strcmp(mounted[i], dest))
			return 1;
	return 0;
}

int shares_mount(const struct container_spec *cs, char *err, size_t errsz)
{
	for (size_t i = 0; i < cs->nshares; i++) {
		const struct mount_spec *m = &cs->shares[i];
		if (is_mounted(m->dest))
			continue;
		if (nmounted == MAX_SHARES || strlen(m->dest) >= sizeof(mounted[0])) {
			errno = ENOSPC;
			snprintf(err, errsz, "share %s: too many shares or path too long", m->dest);
			return -1;
		}
		if (path_mkdir_all(m->dest, 0755) < 0) {
			snprintf(err, errsz, "share %s: mkdir: %s", m->dest, strerror(errno));
			return -1;
		}
		const char *src = m->source && m->source[0] ? m->source : m->type;
		if (mount(src, m->dest, m->type, (unsigned long)m->flags, m->data) < 0) {
			snprintf(err, errsz, "mount share %s (%s) on %s: %s", src, m->type, m->dest, strerror(errno));
			return -1;
		}
		/* private: nothing a container does under it comes back to the agent */
		mount(NULL, m->dest, NULL, MS_PRIVATE, NULL);
		snprintf(mounted[nmounted++], sizeof(mounted[0]), "%s", m->dest);
		log_dbg("share %s mounted on %s", src, m->dest);
	}
	return 0;
}
