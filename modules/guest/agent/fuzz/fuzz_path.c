/*
 * fuzz_path.c - path_resolve_in_root (path.c) against a small hostile tree.
 *
 * The tree (made once under $TMPDIR) has directories, a file and symlinks
 * that try to leave the root: absolute ones, "../../..", loops, links to
 * links. Each input also sets the targets of two more links: bytes up to the
 * first NUL are the target of /x0, up to the second NUL that of /a/x1, the
 * rest is the path to resolve (the first byte's low bit picks a root with a
 * trailing slash).
 *
 * Properties of a success: the result is the root followed by "" or
 * "/c1/c2..." with no empty, "." or ".." component, and no existing prefix
 * of it below the root is a symlink (the kernel would follow it when the
 * agent mounts there: a way out of the root). A failure sets errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "path.h"

static char root[PATH_MAX], x0[PATH_MAX], x1[PATH_MAX];

static void mk(const char *rel, int kind, const char *target)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (kind == 'd')
		FUZZ_CHECK(mkdir(p, 0755) == 0, "mkdir %s", p);
	else if (kind == 'f')
		FUZZ_CHECK(close(open(p, O_CREAT | O_WRONLY, 0644)) == 0, "create %s", p);
	else
		FUZZ_CHECK(symlink(target, p) == 0, "symlink %s", p);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p) < 0 ? -1 : 0;
}

static void cleanup(void) { nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/cocoon-fuzz-path-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(root) != NULL, "mkdtemp %s", root);
	atexit(cleanup);
	mk("a", 'd', NULL);
	mk("a/b", 'd', NULL);
	mk("f", 'f', NULL);
	mk("a/b/g", 'f', NULL);
	mk("abs", 'l', "/a");
	mk("up", 'l', "../../..");
	mk("etc", 'l', "/../../../etc");
	mk("self", 'l', ".");
	mk("loop", 'l', "loop");
	mk("ping", 'l', "pong");
	mk("pong", 'l', "ping");
	mk("dangling", 'l', "/nonexistent/dir");
	mk("tofile", 'l', "f");
	mk("a/back", 'l', "../a/b");
	mk("a/b/top", 'l', "../../../../..");
	mk("a/b/root", 'l', "/");
	snprintf(x0, sizeof(x0), "%s/x0", root);
	snprintf(x1, sizeof(x1), "%s/a/x1", root);
	return 0;
}

static void set_link(const char *path, const uint8_t **p, const uint8_t *end)
{
	const uint8_t *z = memchr(*p, 0, (size_t)(end - *p));
	unlink(path);
	if (!z)
		return;
	if (z > *p && (size_t)(z - *p) < PATH_MAX)
		FUZZ_CHECK(symlink((const char *)*p, path) == 0, "symlink %s: %s", path, strerror(errno));
	*p = z + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 3 * PATH_MAX)
		return 0;
	int slash = data[0] & 1;
	const uint8_t *p = data + 1, *end = data + size;
	set_link(x0, &p, end);
	set_link(x1, &p, end);
	char path[3 * PATH_MAX + 1];
	memcpy(path, p, (size_t)(end - p));
	path[end - p] = 0;

	char r[PATH_MAX + 2];
	snprintf(r, sizeof(r), "%s%s", root, slash ? "/" : "");
	char out[PATH_MAX];
	errno = 0;
	if (path_resolve_in_root(r, path, out, sizeof(out)) < 0) {
		FUZZ_CHECK(errno != 0, "failed without errno for '%s'", path);
		return 0;
	}
	size_t rl = strlen(root);
	FUZZ_CHECK(!strncmp(out, root, rl) && (out[rl] == 0 || out[rl] == '/'), "'%s' gave '%s', not under the root",
		   path, out);
	char walk[PATH_MAX];
	memcpy(walk, root, rl);
	size_t wl = rl;
	for (const char *c = out + rl; *c;) {
		FUZZ_CHECK(*c == '/', "'%s' gave '%s'", path, out);
		c++;
		const char *e = strchrnul(c, '/');
		size_t cl = (size_t)(e - c);
		FUZZ_CHECK(cl > 0 && !(cl == 1 && c[0] == '.') && !(cl == 2 && c[0] == '.' && c[1] == '.'),
			   "'%s' gave '%s' (bad component)", path, out);
		walk[wl++] = '/';
		memcpy(walk + wl, c, cl);
		wl += cl;
		walk[wl] = 0;
		struct stat st;
		if (lstat(walk, &st) < 0)
			break; /* missing from here on: the caller creates it */
		FUZZ_CHECK(!S_ISLNK(st.st_mode), "'%s' gave '%s', which goes through the symlink %s", path, out, walk);
		c = e;
	}
	return 0;
}
