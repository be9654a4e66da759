/*
 * fuzz_spec_container.c - spec_decode_container (the CREATE payload) on
 * arbitrary bytes, and then what container.c makes of the decoded sysctls.
 *
 * A success must give a spec container_setup can use as is: a ROOTFS with a
 * TYPE, every MOUNT with a TYPE and an absolute DEST (and a SOURCE for a
 * bind), only the supported namespace flags, every SYSCTL "key=value" and
 * the process as spec_check.h wants it. Each SYSCTL then goes through the
 * real set_sysctl() (container.c is compiled into this harness; write_file
 * is replaced by a recorder): it must either refuse the key or write the
 * value to exactly /proc/sys/<key with '.' and '/' swapped>, never to a
 * path with "." or ".." components.
 */
#include "../src/container.c" /* first: it defines _GNU_SOURCE */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sched.h>

#include "spec_check.h"

/* as spec.c: the namespaces the agent can create */
#define ALLOWED_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP)

static char wrote_path[1024], wrote_val[1 << 16];
static int wrote;

/* files_create is container.c's own (compiled in here); it only runs in container_setup. */

/* devices.c creates nodes for real: the harness only checks what it was asked. */
int devices_create(const struct container_spec *cs, const char *root, char *err, size_t errsz)
{
	(void)root;
	(void)err;
	(void)errsz;
	for (size_t i = 0; i < cs->ndevices; i++)
		FUZZ_CHECK(cs->devices[i].path && cs->devices[i].path[0] == '/', "device without an absolute path");
	return 0;
}

/* info.c's write_file: record instead of writing under /proc/sys. */
int write_file(const char *path, const char *s)
{
	snprintf(wrote_path, sizeof(wrote_path), "%s", path);
	snprintf(wrote_val, sizeof(wrote_val), "%s", s);
	wrote++;
	return 0;
}

static void check_sysctl(const char *kv)
{
	const char *eq = strchr(kv, '=');
	char want[1024] = "/proc/sys/";
	size_t n = strlen(want), klen = (size_t)(eq - kv);
	if (klen > sizeof(want) - n - 1)
		klen = sizeof(want) - n - 1;
	for (size_t i = 0; i < klen; i++)
		want[n++] = kv[i] == '.' ? '/' : kv[i] == '/' ? '.' : kv[i];
	want[n] = 0;

	char err[512] = "";
	E = err;
	ESZ = sizeof(err);
	wrote = 0;
	errno = 0;
	int r = set_sysctl(kv);
	if (r < 0) {
		FUZZ_CHECK(!wrote && err[0], "refused sysctl '%s' without a message, or after writing", kv);
		return;
	}
	FUZZ_CHECK(wrote == 1, "sysctl '%s' written %d times", kv, wrote);
	FUZZ_CHECK(!strcmp(wrote_path, want), "sysctl '%s' written to '%s', not '%s'", kv, wrote_path, want);
	FUZZ_CHECK(!strcmp(wrote_val, eq + 1), "sysctl '%s' value '%s'", kv, wrote_val);
	/* no empty, "." or ".." component below /proc/sys */
	for (const char *c = wrote_path + 10;;) {
		const char *e = strchrnul(c, '/');
		size_t cl = (size_t)(e - c);
		FUZZ_CHECK(cl > 0 && !(cl == 1 && c[0] == '.') && !(cl == 2 && c[0] == '.' && c[1] == '.'),
			   "sysctl '%s' gives path '%s'", kv, wrote_path);
		if (!*e)
			break;
		c = e + 1;
	}
}

static void check_mount(const struct mount_spec *m, int need_dest)
{
	FUZZ_CHECK(m->type && m->type[0], "mount without TYPE");
	if (need_dest)
		FUZZ_CHECK(m->dest && m->dest[0] == '/', "mount DEST '%s'", m->dest ? m->dest : "(none)");
	if (!strcmp(m->type, "bind"))
		FUZZ_CHECK(m->source && m->source[0], "bind without SOURCE");
	if (m->source)
		touch(m->source);
	if (m->data)
		touch(m->data);
	if (m->dest)
		touch(m->dest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct container_spec cs;
	char err[512];
	memset(err, 0, sizeof(err));
	int r = spec_decode_container(data, size, &a, &cs, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -1, "returned %d", r);
	if (r < 0) {
		check_err(err, sizeof(err));
		arena_free(&a);
		return 0;
	}
	check_mount(&cs.rootfs, 0);
	FUZZ_CHECK(cs.mounts != NULL, "mounts");
	for (size_t i = 0; i < cs.nmounts; i++)
		check_mount(&cs.mounts[i], 1);
	FUZZ_CHECK(!(cs.namespaces & ~(uint32_t)ALLOWED_NS), "namespaces 0x%x", cs.namespaces);
	check_strv(cs.sysctls, cs.nsysctls, "sysctls");
	check_strv(cs.masked, cs.nmasked, "masked");
	check_strv(cs.readonly, cs.nreadonly, "readonly");
	if (cs.hostname)
		touch(cs.hostname);
	if (cs.domainname)
		touch(cs.domainname);
	check_proc(&cs.process);
	for (size_t i = 0; i < cs.nsysctls; i++) {
		const char *eq = strchr(cs.sysctls[i], '=');
		FUZZ_CHECK(eq && eq != cs.sysctls[i], "sysctl '%s' is not key=value", cs.sysctls[i]);
		check_sysctl(cs.sysctls[i]);
	}
	arena_free(&a);
	return 0;
}
