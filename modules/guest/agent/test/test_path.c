/*
 * test_path.c - unit tests of path_resolve_in_root: ".." and absolute or
 * relative symlinks never lead out of the root; loops are refused; missing
 * components are kept so that they can be created.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"
#include "test.h"

static char root[1024];

/* Resolves p and compares with root + want (want NULL: expect failure). */
static void expect(const char *p, const char *want)
{
	char out[PATH_MAX], exp[PATH_MAX];
	int r = path_resolve_in_root(root, p, out, sizeof(out));
	if (!want) {
		CHECK(r < 0);
		return;
	}
	snprintf(exp, sizeof(exp), "%s%s", root, want);
	int ok = r == 0 && !strcmp(out, exp);
	if (!ok)
		fprintf(stderr, "  resolve %s: got %s (r=%d), want %s\n", p, r == 0 ? out : "-", r, exp);
	CHECK(ok);
}

static void mk(const char *rel) /* directory */
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s%s", root, rel);
	CHECK(path_mkdir_all(p, 0755) == 0);
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s%s", root, rel);
	CHECK(symlink(target, p) == 0);
}

int main(void)
{
	char tmpl[] = "/tmp/cocoon-path-test.XXXXXX";
	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(root, sizeof(root), "%s", tmpl);
	mk("/etc");
	mk("/usr/lib");
	mk("/a/b");
	ln("/etc", "/abs-etc");           /* absolute: stays in root */
	ln("../../../../..", "/a/b/up");  /* climbs above the root: clamped */
	ln("/../../../tmp", "/a/escape"); /* absolute with .. */
	ln("b", "/a/rel");                /* relative, same dir */
	ln("../usr/lib", "/a/lib");       /* relative with .. inside root */
	ln("loop2", "/loop1");
	ln("loop1", "/loop2");
	ln("/", "/rootlink");
	ln("/missing/dir", "/dangling");

	expect("/", "");
	expect("/etc", "/etc");
	expect("/etc/", "/etc");
	expect("//etc//./", "/etc");
	expect("/..", "");
	expect("/../../etc", "/etc");
	expect("/a/b/../../..", "");
	expect("/abs-etc/passwd", "/etc/passwd");
	expect("/a/b/up", "");
	expect("/a/b/up/etc", "/etc");
	expect("/a/escape", "/tmp");
	expect("/a/rel", "/a/b");
	expect("/a/lib/x", "/usr/lib/x");
	expect("/rootlink/etc", "/etc");
	expect("/dangling/x", "/missing/dir/x");
	expect("/new/dir/../x", "/new/x");
	expect("/new/../../../x", "/x");
	/* back out of a missing part: the links after it are resolved again (fuzz_path found
	 * "/nope/../abs-etc" kept as it was, a symlink the kernel would follow out of the root) */
	expect("/nope/../abs-etc/passwd", "/etc/passwd");
	expect("/nope/x/../../a/escape", "/tmp");
	expect("/a/nope/../rel", "/a/b");
	expect("/loop1", NULL);
	CHECK(errno == ELOOP);
	/* a file in the middle of a path */
	char f[PATH_MAX];
	snprintf(f, sizeof(f), "%s/etc/file", root);
	FILE *fp = fopen(f, "w");
	CHECK(fp != NULL);
	if (fp)
		fclose(fp);
	expect("/etc/file", "/etc/file");
	expect("/etc/file/x", NULL);
	CHECK(errno == ENOTDIR);

	/* root given with a trailing slash, and root "/" itself */
	char saved[1024];
	snprintf(saved, sizeof(saved), "%s", root);
	char out[PATH_MAX];
	strcat(root, "/");
	CHECK(path_resolve_in_root(root, "/etc", out, sizeof(out)) == 0);
	snprintf(f, sizeof(f), "%s/etc", saved);
	CHECK(!strcmp(out, f));
	CHECK(path_resolve_in_root("/", "/tmp/../tmp", out, sizeof(out)) == 0 && !strcmp(out, "/tmp"));
	CHECK(path_resolve_in_root("/", "/", out, sizeof(out)) == 0 && !strcmp(out, "/"));
	/* output buffer too small */
	CHECK(path_resolve_in_root(saved, "/etc", out, 4) < 0 && errno == ENAMETOOLONG);

	/* path_mkdir_all over a file fails */
	snprintf(f, sizeof(f), "%s/etc/file/sub", saved);
	CHECK(path_mkdir_all(f, 0755) < 0);

	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", saved);
	CHECK(system(cmd) == 0);
	TEST_MAIN_END();
}
