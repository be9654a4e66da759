/*
 * container.c - the container init's filesystem and namespace setup.
 *
 * Runs in the cloned init, inside its new mount namespace, before START:
 *   1. rootfsPropagation (default MS_PRIVATE|MS_REC) on "/", so nothing
 *      done here propagates back to the agent;
 *   2. a private tmpfs on /run/cocoon (pivot_root refuses a shared parent),
 *      ROOTFS mounted at /run/cocoon/root;
 *   3. STAGING mounts at their guest paths, then the other MOUNTs in order,
 *      each DEST resolved under the root by path.c (no escape via symlinks
 *      or ".."), MKDIR creating the destination (a file for a file bind);
 *   4. when a MOUNT put a fresh filesystem on /dev: the default devices
 *      (null zero full random urandom tty) and /dev/fd, std*, ptmx, core
 *      symlinks, as runc creates them;
 *   5. ROOT_READONLY, MASKED_PATH, READONLY_PATH;
 *   6. hostname, domainname, sysctls (written through the agent's /proc:
 *      namespaced sysctls apply to the writer's namespaces);
 *   7. pivot_root into the root and detach the old one.
 * On failure it returns -1 with errno set and a message like
 * "mount proc on /proc: Permission denied" that becomes CREATE's ERROR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "agent.h"
#include "path.h"

#define STATE_DIR "/run/cocoon"
#define ROOT STATE_DIR "/root"
#define PROPAGATION_FLAGS (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
#define REMOUNT_FLAGS                                                                              \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | \
	 MS_STRICTATIME)

static char *E;
static size_t ESZ;

/* Formats the error message; keeps errno. Always returns -1. */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(E, ESZ, fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

/* Flags of an existing mount that a bind remount must keep. */
static unsigned long kept_flags(const char *path)
{
	struct statvfs s;
	unsigned long f = 0;
	if (statvfs(path, &s) < 0)
		return 0;
	if (s.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (s.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (s.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (s.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (s.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (s.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

static int do_mount(const struct mount_spec *m, const char *target, const char *shown)
{
	unsigned long fl = (unsigned long)m->flags & ~(unsigned long)PROPAGATION_FLAGS;
	int bind = !strcmp(m->type, "bind") || (fl & MS_BIND);
	const char *src = m->source && m->source[0] ? m->source : m->type;
	if (bind) {
		if (mount(src, target, NULL, MS_BIND | (fl & MS_REC), NULL) < 0)
			return fail("mount bind %s on %s: %s", src, shown, strerror(errno));
		/* per-mount flags of a bind need a remount, as runc does */
		if ((fl & REMOUNT_FLAGS) &&
		    mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | (fl & REMOUNT_FLAGS) | kept_flags(target),
			  NULL) < 0)
			return fail("remount %s read-only/with flags: %s", shown, strerror(errno));
	} else if (mount(src, target, m->type, fl, m->data) < 0) {
		/* a user namespace without its own network namespace may not mount sysfs: bind the
		 * guest's, as runc binds the host's */
		int e = errno;
		struct statfs sf;
		/* ... which brings the guest's cgroup2 at /sys/fs/cgroup, that cannot be mounted again there */
		if (e == EBUSY && !strcmp(m->type, "cgroup2") && statfs(target, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return 0;
		if (!(e == EPERM && !strcmp(m->type, "sysfs") && mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) == 0)) {
			errno = e;
			return fail("mount %s on %s: %s", src, shown, strerror(errno));
		}
		if ((fl & REMOUNT_FLAGS) &&
		    mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | (fl & REMOUNT_FLAGS) | kept_flags(target), NULL) < 0)
			return fail("remount %s (a bind of the guest's /sys): %s", shown, strerror(errno));
	}
	if (m->has_propagation && mount(NULL, target, NULL, (unsigned long)m->propagation, NULL) < 0)
		return fail("set propagation of %s: %s", shown, strerror(errno));
	return 0;
}

/* Creates the destination: directories, or an empty file for a file bind. */
static int make_dest(const struct mount_spec *m, const char *target)
{
	struct stat st;
	int file = m->source && (!strcmp(m->type, "bind") || (m->flags & MS_BIND)) &&
		   stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode);
	if (!file)
		return path_mkdir_all(target, 0755);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", target);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (path_mkdir_all(dir, 0755) < 0)
			return -1;
	}
	int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int spec_mount(const struct mount_spec *m)
{
	char target[4096];
	if (m->staging) {
		snprintf(target, sizeof(target), "%s", m->dest);
		if (path_mkdir_all(target, 0755) < 0)
			return fail("mkdir %s: %s", target, strerror(errno));
	} else {
		if (path_resolve_in_root(ROOT, m->dest, target, sizeof(target)) < 0)
			return fail("resolve %s: %s", m->dest, strerror(errno));
		if (m->mkdir && make_dest(m, target) < 0)
			return fail("create mount point %s: %s", m->dest, strerror(errno));
	}
	return do_mount(m, target, m->dest);
}

/* FILE fields: written in the container's private /run/cocoon tmpfs, bound at PATH. */
static int files_create(const struct container_spec *cs)
{
	char src[64], target[4096];
	if (cs->nfiles && path_mkdir_all(STATE_DIR "/files", 0755) < 0)
		return fail("mkdir %s/files: %s", STATE_DIR, strerror(errno));
	for (size_t i = 0; i < cs->nfiles; i++) {
		const struct file_spec *f = &cs->files[i];
		snprintf(src, sizeof(src), STATE_DIR "/files/%zu", i);
		int fd = open(src, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, f->mode & 07777);
		if (fd < 0)
			return fail("file %s: %s", f->path, strerror(errno));
		ssize_t w = write(fd, f->data, f->len);
		close(fd);
		if (w != (ssize_t)f->len)
			return fail("file %s: short write", f->path);
		fchmodat(AT_FDCWD, src, f->mode & 07777, 0);
		if (path_resolve_in_root(ROOT, f->path, target, sizeof(target)) < 0)
			return fail("resolve %s: %s", f->path, strerror(errno));
		struct mount_spec m = {.type = (char *)"bind", .source = src, .dest = f->path, .flags = MS_BIND, .mkdir = 1};
		if (make_dest(&m, target) < 0)
			return fail("create mount point %s: %s", f->path, strerror(errno));
		if (mount(src, target, NULL, MS_BIND, NULL) < 0)
			return fail("bind %s: %s", f->path, strerror(errno));
	}
	return 0;
}

static void default_devices(void)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} devs[] = {{"null", 1, 3}, {"zero", 1, 5},    {"full", 1, 7},
		    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const char *const links[][2] = {
		{"fd", "/proc/self/fd"},         {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"},   {"ptmx", "pts/ptmx"},        {"core", "/proc/kcore"}};
	char p[256], host[64];
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(p, sizeof(p), ROOT "/dev/%s", devs[i].name);
		if (access(p, F_OK) == 0)
			continue;
		if (mknod(p, S_IFCHR | 0666, makedev(devs[i].maj, devs[i].min)) == 0) {
			chmod(p, 0666);
			continue;
		}
		/* no mknod allowed: bind the agent's node instead */
		snprintf(host, sizeof(host), "/dev/%s", devs[i].name);
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd >= 0)
			close(fd);
		mount(host, p, NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), ROOT "/dev/%s", links[i][0]);
		symlink(links[i][1], p); /* EEXIST is fine */
	}
}

static int mask_path(const char *path)
{
	char t[4096];
	struct stat st;
	if (path_resolve_in_root(ROOT, path, t, sizeof(t)) < 0 || stat(t, &st) < 0)
		return errno == ENOENT ? 0 : fail("masked path %s: %s", path, strerror(errno));
	int r = S_ISDIR(st.st_mode) ? mount("tmpfs", t, "tmpfs", MS_RDONLY, "size=0")
				    : mount("/dev/null", t, NULL, MS_BIND, NULL);
	return r < 0 ? fail("mask %s: %s", path, strerror(errno)) : 0;
}

static int readonly_path(const char *path)
{
	char t[4096];
	if (path_resolve_in_root(ROOT, path, t, sizeof(t)) < 0 || access(t, F_OK) < 0)
		return errno == ENOENT ? 0 : fail("read-only path %s: %s", path, strerror(errno));
	if (mount(t, t, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, t, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | kept_flags(t), NULL) < 0)
		return fail("make %s read-only: %s", path, strerror(errno));
	return 0;
}

/* "net.ipv4.ip_forward=1" -> /proc/sys/net/ipv4/ip_forward ("/" in a key
 * stands for a "." in a name, as in sysctl(8)). */
static int set_sysctl(const char *kv)
{
	char path[512] = "/proc/sys/";
	size_t n = strlen(path);
	const char *eq = strchr(kv, '=');
	/* a key that does not fit used to be cut short silently, writing the value to
	 * another path than the one named (fuzz_spec_container) */
	if ((size_t)(eq - kv) > sizeof(path) - 1 - n) {
		errno = ENAMETOOLONG;
		return fail("sysctl %.40s...: key too long", kv);
	}
	for (const char *c = kv; c < eq && n < sizeof(path) - 1; c++)
		path[n++] = *c == '.' ? '/' : *c == '/' ? '.' : *c;
	path[n] = 0;
	if (strstr(path, "/../") || strstr(path, "/./") || strstr(path, "//") || path[n - 1] == '/' ||
	    (n >= 3 && !strcmp(path + n - 3, "/..")) || (n >= 2 && !strcmp(path + n - 2, "/."))) {
		errno = EINVAL;
		return fail("sysctl %s: bad key", kv);
	}
	if (write_file(path, eq + 1) < 0)
		return fail("sysctl %.*s: %s", (int)(eq - kv), kv, strerror(errno));
	return 0;
}

static int enter_root(void)
{
	if (chdir(ROOT) < 0)
		return fail("chdir %s: %s", ROOT, strerror(errno));
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		/* the old root is now stacked on ".": detach it, without
		 * propagating the unmount anywhere */
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0)
			return fail("detaching the old root: %s", strerror(errno));
	} else if (errno == EINVAL) {
		/* the agent's root cannot be pivoted (initramfs): move + chroot */
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
			return fail("entering the root (move+chroot): %s", strerror(errno));
	} else {
		return fail("pivot_root: %s", strerror(errno));
	}
	if (chdir("/") < 0)
		return fail("chdir /: %s", strerror(errno));
	return 0;
}

int container_setup(const struct container_spec *cs, char *err, size_t errsz)
{
	E = err;
	ESZ = errsz;
	if (mount(NULL, "/", NULL, (unsigned long)cs->propagation, NULL) < 0)
		return fail("set root propagation: %s", strerror(errno));
	if (path_mkdir_all(STATE_DIR, 0755) < 0 ||
	    mount("tmpfs", STATE_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0 ||
	    mount(NULL, STATE_DIR, NULL, MS_PRIVATE, NULL) < 0 || mkdir(ROOT, 0755) < 0)
		return fail("preparing %s: %s", STATE_DIR, strerror(errno));
	if (do_mount(&cs->rootfs, ROOT, "/") < 0)
		return -1;
	int dev = 0;
	for (size_t i = 0; i < cs->nmounts; i++)
		if (cs->mounts[i].staging && spec_mount(&cs->mounts[i]) < 0)
			return -1;
	for (size_t i = 0; i < cs->nmounts; i++) {
		const struct mount_spec *m = &cs->mounts[i];
		if (m->staging)
			continue;
		if (spec_mount(m) < 0)
			return -1;
		if (!strcmp(m->dest, "/dev") && strcmp(m->type, "bind") && !(m->flags & MS_BIND))
			dev = 1;
	}
	if (dev)
		default_devices();
	if (devices_create(cs, ROOT, E, ESZ) < 0)
		return -1;
	if (files_create(cs) < 0)
		return -1;
	if (cs->root_readonly &&
	    mount(NULL, ROOT, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(ROOT), NULL) < 0)
		return fail("remount the root read-only: %s", strerror(errno));
	for (size_t i = 0; i < cs->nmasked; i++)
		if (mask_path(cs->masked[i]) < 0)
			return -1;
	for (size_t i = 0; i < cs->nreadonly; i++)
		if (readonly_path(cs->readonly[i]) < 0)
			return -1;
	/* a pod member shares the sandbox's UTS namespace: its hostname is the pod's */
	if (cs->hostname && !(cs->join_ns & CLONE_NEWUTS) && sethostname(cs->hostname, strlen(cs->hostname)) < 0)
		return fail("sethostname %s: %s", cs->hostname, strerror(errno));
	if (cs->domainname && !(cs->join_ns & CLONE_NEWUTS) && setdomainname(cs->domainname, strlen(cs->domainname)) < 0)
		return fail("setdomainname %s: %s", cs->domainname, strerror(errno));
	for (size_t i = 0; i < cs->nsysctls; i++)
		if (set_sysctl(cs->sysctls[i]) < 0)
			return -1;
	return enter_root();
}
