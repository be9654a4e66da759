/*
 * path.c - safe resolution of container paths under the container root.
 *
 * Spec mount destinations, masked and read-only paths name locations inside
 * the container; the container image controls the symlinks along the way.
 * Resolving them component by component, treating the root as "/", keeps a
 * hostile image (e.g. /proc -> /../../run/cocoon) from making the agent mount
 * over guest paths outside the container root. Nothing of the container runs
 * during this resolution (the init waits for START), so the lstat walk is
 * not racing the container's own processes.
 */
#define _GNU_SOURCE
#include "path.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40

int path_resolve_in_root(const char *root, const char *path, char *out, size_t outsz)
{
	char res[PATH_MAX];   /* resolved part, "" or "/a/b" relative to root */
	char pend[PATH_MAX];  /* what is left to walk */
	char full[PATH_MAX];
	char link[PATH_MAX];
	size_t rlen = 0, rootlen = strlen(root), missing_at = 0;
	int links = 0, missing = 0;

	while (rootlen > 1 && root[rootlen - 1] == '/')
		rootlen--;
	if (strlen(path) >= sizeof(pend) || rootlen >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(pend, path);
	res[0] = 0;
	char *p = pend;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchr(p, '/');
		size_t clen = end ? (size_t)(end - p) : strlen(p);
		char *next = end ? end : p + clen;
		if (clen == 1 && p[0] == '.') {
			p = next;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			while (rlen > 0 && res[rlen - 1] != '/')
				rlen--;
			if (rlen > 0)
				rlen--; /* drop the '/' too */
			res[rlen] = 0;
			/* back above the first missing component: what follows exists
			 * again and must be looked up, or "/nope/../link" would keep an
			 * unresolved symlink that the kernel then follows (found by
			 * fuzz/fuzz_path.c) */
			if (missing && rlen <= missing_at)
				missing = 0;
			p = next;
			continue;
		}
		if (rlen + 1 + clen >= sizeof(res)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		size_t saved = rlen;
		res[rlen++] = '/';
		memcpy(res + rlen, p, clen);
		rlen += clen;
		res[rlen] = 0;
		p = next;
		if (missing)
			continue;
		if (rootlen + rlen >= sizeof(full)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(full, root, rootlen);
		memcpy(full + rootlen, res, rlen + 1);
		struct stat st;
		if (lstat(full, &st) < 0) {
			if (errno != ENOENT)
				return -1;
			missing = 1;
			missing_at = saved;
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > MAX_LINKS) {
			errno = ELOOP;
			return -1;
		}
		ssize_t n = readlink(full, link, sizeof(link) - 1);
		if (n < 0)
			return -1;
		link[n] = 0;
		/* the link replaces its component; an absolute one restarts at root */
		rlen = link[0] == '/' ? 0 : saved;
		res[rlen] = 0;
		size_t rest = strlen(p);
		if ((size_t)n + 1 + rest >= sizeof(pend)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		/* new pending = link + "/" + rest (rest may overlap pend: move first) */
		memmove(pend + n + 1, p, rest + 1);
		memcpy(pend, link, (size_t)n);
		pend[n] = '/';
		p = pend;
	}
	if (rootlen + rlen + 1 > outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(out, root, rootlen);
	memcpy(out + rootlen, res, rlen + 1);
	if (rlen == 0 && rootlen == 0) {
		out[0] = '/';
		out[1] = 0;
	}
	/* root "/" + "/a" would give "//a" */
	if (rootlen == 1 && root[0] == '/' && rlen > 0)
		memmove(out, out + 1, rlen + 1);
	return 0;
}

int path_mkdir_all(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *s = buf + 1;; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return -1;
			*s = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}
