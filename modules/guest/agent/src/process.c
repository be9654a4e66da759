/*
 * process.c - the child side of CREATE and EXEC: from fork to execve.
 *
 * Order (mirrors runc's standard init, see the protocol's "Process spec"):
 *   cgroup join, oom_score_adj, namespaces + root (container.c for the init,
 *   setns + chroot for exec), stdio, rlimits, cwd, umask, HOME
 *   -> report "ready" on the sync socket (any error before this point becomes
 *      the ERROR reply of CREATE/EXEC, errno + message)
 *   -> the init waits for START
 *   -> [seccomp when no NO_NEW_PRIVS], bounding set, groups/gid/uid with
 *      KEEPCAPS, capset, ambient, NO_NEW_PRIVS, [seccomp], execve.
 * With TERMINAL the child opens a pty in the container's devpts when it
 * can and passes the master to the agent with "ready" (SCM_RIGHTS).
 * Errors after "ready" (and an execve failure) are written to the process's
 * stderr; the process then exits 127 (command not found) or 126 (other).
 *
 * Seccomp needs NO_NEW_PRIVS or CAP_SYS_ADMIN: without NO_NEW_PRIVS the
 * filter is installed while the child is still root, before the user
 * switch, as runc does; with it, as the very last step before execve.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"
#include "frame.h"
#include "log.h"
#include "path.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const struct child_args *CA;
static int ready; /* "ready" has been reported: errors go to stderr now */

/* Reports a setup failure (errno e) and exits. */
__attribute__((noreturn, format(printf, 2, 3))) static void die(int e, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg + 4, sizeof(msg) - 4, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(msg) - 5)
		n = (int)sizeof(msg) - 5;
	if (!ready) {
		put_be32((uint8_t *)msg, (uint32_t)(e ? e : EINVAL));
		ssize_t w = write(CA->sync_fd, msg, (size_t)n + 4);
		(void)w;
		_exit(1);
	}
	dprintf(2, "cocoon-agent: %s\n", msg + 4);
	_exit(e == ENOENT ? 127 : 126);
}

/* "ready", with the container's pty master attached when there is one. */
static void report_ready(int master)
{
	uint8_t ok[4] = {0, 0, 0, 0};
	struct iovec iov = {.iov_base = ok, .iov_len = 4};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (master >= 0) {
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &master, sizeof(int));
	}
	if (sendmsg(CA->sync_fd, &mh, MSG_NOSIGNAL) != 4)
		_exit(1);
	if (master >= 0)
		close(master);
	ready = 1;
}

/*
 * A pty from the container's own devpts (its /dev/ptmx), so that ttyname()
 * and `tty` work inside; the master goes to the agent with "ready". Without
 * a usable /dev/ptmx in the container, the pty the agent allocated in the
 * guest's devpts is used. Returns the container master or -1.
 */
static int container_pty(int *tty)
{
	const struct proc_spec *ps = CA->ps;
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -1;
	int unlock = 0, s = -1;
	if (ioctl(m, TIOCSPTLCK, &unlock) == 0) {
		s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (s < 0) { /* kernels before 4.13 */
			char name[64];
			if (ptsname_r(m, name, sizeof(name)) == 0)
				s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
		}
	}
	if (s < 0) {
		close(m);
		return -1;
	}
	struct winsize ws = {.ws_row = (unsigned short)ps->rows, .ws_col = (unsigned short)ps->cols};
	if (ps->rows && ps->cols)
		ioctl(m, TIOCSWINSZ, &ws);
	close(*tty);
	*tty = s;
	return m;
}

/* Returns the container pty master to hand to the agent, or -1. */
static int setup_stdio(void)
{
	if (CA->tty >= 0) {
		int tty = CA->tty;
		int master = container_pty(&tty);
		if (setsid() < 0 || ioctl(tty, TIOCSCTTY, 0) < 0)
			die(errno, "terminal: set controlling tty: %s", strerror(errno));
		for (int i = 0; i < 3; i++)
			if (dup2(tty, i) < 0)
				die(errno, "terminal: dup2: %s", strerror(errno));
		return master;
	}
	if (dup2(CA->in_fd, 0) < 0 || dup2(CA->out_fd, 1) < 0 || dup2(CA->err_fd, 2) < 0)
		die(errno, "stdio: dup2: %s", strerror(errno));
	return -1;
}

/*
 * In a user namespace the process still has the host's ids, unmapped there: files it makes would
 * fail (EOVERFLOW) until it is the namespace's root, as runc's nsexec does right after joining.
 */
static void become_ns_root(void)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die(errno, "user namespace: becoming its root (linux.uidMappings/gidMappings must map id 0): %s",
		    strerror(errno));
}

/* Joins the init's namespaces and root (EXEC). The pid namespace was
 * entered by the parent before fork. */
static void enter_container(void)
{
	static const int types[5] = {CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS};
	static const char *const names[5] = {"user", "cgroup", "ipc", "uts", "mnt"};
	for (int i = 0; i < 5; i++)
		if (CA->ns_fd[i] >= 0 && setns(CA->ns_fd[i], types[i]) < 0)
			die(errno, "setns %s: %s", names[i], strerror(errno));
	if (CA->ns_fd[0] >= 0)
		become_ns_root();
	if (fchdir(CA->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		die(errno, "entering the container root: %s", strerror(errno));
}

/* HOME from the container's /etc/passwd (by name, else by uid), "/" if none. */
static void home_dir(const struct proc_spec *ps, char *home, size_t sz)
{
	snprintf(home, sz, "/");
	FILE *f = fopen("/etc/passwd", "re");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char *fld[7];
		int n = 0;
		for (char *s = line, *t; n < 7 && (t = strsep(&s, ":\n"));)
			fld[n++] = t;
		if (n < 6)
			continue;
		int match = ps->user_name ? !strcmp(fld[0], ps->user_name)
					  : strtoul(fld[2], NULL, 10) == ps->uid;
		if (match) {
			snprintf(home, sz, "%s", fld[5]);
			break;
		}
	}
	fclose(f);
}

static char **build_env(const struct proc_spec *ps)
{
	for (size_t i = 0; i < ps->envc; i++)
		if (!strncmp(ps->envp[i], "HOME=", 5))
			return ps->envp;
	char home[512];
	home_dir(ps, home, sizeof(home));
	char **env = calloc(ps->envc + 2, sizeof(char *));
	if (!env || asprintf(&env[ps->envc], "HOME=%s", home) < 0)
		die(ENOMEM, "out of memory");
	memcpy(env, ps->envp, ps->envc * sizeof(char *));
	return env;
}

static void install_seccomp(const struct proc_spec *ps)
{
	struct sock_fprog prog = {
		.len = (unsigned short)(ps->seccomp_len / 8),
		.filter = (struct sock_filter *)(void *)ps->seccomp,
	};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, ps->seccomp_flags, &prog) < 0)
		die(errno, "seccomp: %s", strerror(errno));
}

static void set_user_and_caps(const struct proc_spec *ps)
{
	int last = A.cap_last;
	for (int c = 0; c <= last && c < 64; c++)
		if (!(ps->cap_bounding & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			die(errno, "capabilities: drop %d from the bounding set: %s", c, strerror(errno));

	gid_t groups[ps->nagids + 1];
	for (size_t i = 0; i < ps->nagids; i++)
		groups[i] = ps->agids[i];
	if (setgroups(ps->nagids, ps->nagids ? groups : NULL) < 0)
		die(errno, "setgroups: %s", strerror(errno));
	if (setgid(ps->gid) < 0)
		die(errno, "setgid %u: %s", ps->gid, strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setuid(ps->uid) < 0)
		die(errno, "setuid %u: %s", ps->uid, strerror(errno));
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);

	uint64_t mask = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	uint64_t eff = ps->cap_effective & mask, perm = ps->cap_permitted & mask,
		 inh = ps->cap_inheritable & mask;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2] = {
		{(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
		{(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)},
	};
	if (syscall(SYS_capset, &hdr, data) < 0)
		die(errno, "capset: %s", strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		die(errno, "ambient capabilities: %s", strerror(errno));
	/* As runc: an ambient capability that is not also permitted and inheritable
	 * cannot be raised; that is skipped, not fatal (runc only warns). */
	for (int c = 0; c <= last && c < 64; c++)
		if (ps->cap_ambient & (1ULL << c))
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
}

/* execve with a PATH search in the process's own environment. */
__attribute__((noreturn)) static void do_exec(char **argv, char **envp)
{
	const char *file = argv[0];
	int err = ENOENT;
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		err = errno;
	} else {
		const char *path = DEFAULT_PATH;
		for (char **e = envp; *e; e++)
			if (!strncmp(*e, "PATH=", 5))
				path = *e + 5;
		int eacces = 0;
		char buf[4096];
		for (const char *d = path;; d++) {
			const char *end = strchrnul(d, ':');
			int dl = (int)(end - d);
			if (snprintf(buf, sizeof(buf), "%.*s%s%s", dl, d, dl ? "/" : "", file) <
			    (int)sizeof(buf)) {
				execve(buf, argv, envp);
				if (errno == EACCES)
					eacces = 1;
				else if (errno != ENOENT && errno != ENOTDIR) {
					err = errno;
					break;
				}
			}
			if (!*end)
				break;
			d = end;
		}
		if (eacces && err == ENOENT)
			err = EACCES;
	}
	die(err, "exec %s: %s", file, strerror(err));
}

void child_main(const struct child_args *a)
{
	CA = a;
	log_set_host(0); /* the channel fd is still open here: never write frames */
	const struct proc_spec *ps = a->ps;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);

	if (a->map_fd >= 0) {
		/* a new user namespace: the agent joined the cgroup, set oom_score_adj and the id maps */
		char c;
		ssize_t n;
		while ((n = read(a->map_fd, &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(1);
		become_ns_root();
	} else if (a->cgroup[0] && cg_join_self(a->cgroup) < 0) {
		die(errno, "joining cgroup %s: %s", a->cgroup, strerror(errno));
	}
	if (ps->has_oom && a->map_fd < 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", ps->oom_score_adj);
		if (write_file("/proc/self/oom_score_adj", v) < 0)
			die(errno, "oom_score_adj %d: %s", ps->oom_score_adj, strerror(errno));
	}
	if (a->cs) {
		char err[512];
		static const int jt[2] = {CLONE_NEWIPC, CLONE_NEWUTS};
		for (int i = 0; i < 2; i++)
			if (a->join_fd[i] >= 0 && setns(a->join_fd[i], jt[i]) < 0)
				die(errno, "joining the sandbox's %s namespace: %s", i ? "uts" : "ipc", strerror(errno));
		/* a new cgroup namespace is rooted at the cgroup joined above */
		if ((a->cs->namespaces & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
			die(errno, "unshare cgroup namespace: %s", strerror(errno));
		if (container_setup(a->cs, err, sizeof(err)) < 0)
			die(errno, "%s", err);
	} else {
		enter_container();
	}
	int master = setup_stdio();
	for (size_t i = 0; i < ps->nrlimits; i++) {
		struct rlimit rl = {ps->rlimits[i].soft, ps->rlimits[i].hard};
		if (setrlimit((int)ps->rlimits[i].type, &rl) < 0)
			die(errno, "setrlimit %u: %s", ps->rlimits[i].type, strerror(errno));
	}
	if (path_mkdir_all(ps->cwd, 0755) < 0 || chdir(ps->cwd) < 0)
		die(errno, "cwd %s: %s", ps->cwd, strerror(errno));
	umask((mode_t)ps->umask);
	char **env = build_env(ps);

	report_ready(master);
	if (a->start_fd >= 0) {
		char c;
		ssize_t n;
		while ((n = read(a->start_fd, &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(1); /* the agent dropped the container before START */
	}
	if (ps->seccomp && !ps->no_new_privs)
		install_seccomp(ps);
	set_user_and_caps(ps);
	if (ps->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(errno, "no_new_privs: %s", strerror(errno));
	if (ps->seccomp && ps->no_new_privs)
		install_seccomp(ps);
	do_exec(ps->argv, env);
}
