/*
 * modules.c - loads kernel modules listed in the initramfs, for the host-kernel fallback.
 *
 * When Cocoon boots a distribution kernel instead of its own (everything built in), the
 * virtio, 9p and console drivers are modules. The host puts them in the initramfs under
 * /lib/modules/ with /lib/modules/cocoon.load listing them in dependency order, one file
 * name a line. They must be loaded before the agent leaves the initramfs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

void load_modules(void)
{
	FILE *f = fopen("/lib/modules/cocoon.load", "re");
	if (!f)
		return; /* Cocoon's own kernel: nothing to load */
	char line[256], path[300];
	int loaded = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || strchr(line, '/'))
			continue;
		snprintf(path, sizeof(path), "/lib/modules/%s", line);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			log_err("module %s: %s", line, strerror(errno));
			continue;
		}
		if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
			log_err("loading module %s: %s", line, strerror(errno));
		else
			loaded++;
		close(fd);
	}
	fclose(f);
	log_dbg("%d kernel modules loaded", loaded);
}
