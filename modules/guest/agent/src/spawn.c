/*
 * spawn.c - the agent side of processes: the process table, forking the
 * container init (clone into new namespaces) and exec'd processes (fork in
 * the init's pid namespace), the setup handshake and START.
 *
 * The container init is cloned with its namespace flags | SIGCHLD so it is
 * the agent's direct child and PID 1 of its own pid namespace. An exec'd
 * process is forked after the agent has setns()ed its pid_for_children into
 * the init's pid namespace (and back right after), so it too is a direct
 * child of the agent, reaped by it, and a member of the container's pid ns.
 *
 * The child reports the outcome of its setup on a sync socket (process.c);
 * the agent watches that pipe in the event loop and only then replies to
 * CREATE/EXEC and starts relaying the process's stdio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"
#include "channel.h"
#include "frame.h"
#include "log.h"
#include "proto.h"

struct proc *proc_find(uint32_t id)
{
	for (struct proc *p = A.procs; p; p = p->next)
		if (p->id == id && !p->dead)
			return p;
	return NULL;
}

struct proc *proc_by_pid(pid_t pid)
{
	for (struct proc *p = A.procs; p; p = p->next)
		if (p->pid == pid && !p->dead)
			return p;
	return NULL;
}

static void close_src(struct evsrc *s)
{
	if (s->fd < 0)
		return;
	loop_set(s, 0);
	close(s->fd);
	s->fd = -1;
}

void proc_free(struct proc *p)
{
	close_src(&p->sync);
	close_src(&p->out[0].ev);
	close_src(&p->out[1].ev);
	close_src(&p->in);
	if (p->start_fd >= 0)
		close(p->start_fd);
	p->start_fd = -1;
	free(p->inbuf);
	p->inbuf = NULL;
	p->dead = 1;
}

void proc_gc(void)
{
	for (struct proc **pp = &A.procs; *pp;) {
		struct proc *p = *pp;
		if (p->dead) {
			*pp = p->next;
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

static int set_nonblock(int fd) { return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

static void sync_event(struct evsrc *src, uint32_t events)
{
	(void)events;
	struct proc *p = (struct proc *)((char *)src - offsetof(struct proc, sync));
	uint8_t buf[640];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			    .msg_controllen = sizeof(u.b)};
	ssize_t n = recvmsg(src->fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	close_src(src);
	int passed = -1; /* the container's pty master, see process.c */
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&passed, CMSG_DATA(c), sizeof(int));
	if (passed >= 0 && (!p->terminal || !(n >= 4 && be32(buf) == 0))) {
		close(passed);
		passed = -1;
	}
	if (passed >= 0) {
		close(p->out[0].ev.fd); /* the guest pty is not used */
		p->out[0].ev.fd = passed;
		set_nonblock(passed);
	}
	char derr[512];
	struct ctr *ct = IS_INIT(p->id) ? ctr_find(CTR_OF(p->id)) : NULL;
	if (n >= 4 && be32(buf) == 0 && ct && ct->devcg_fd >= 0) {
		/* the root is set up: now the device rules may apply (devices.c) */
		int rc = devcg_attach(ct->cgroup, ct->devcg_fd, derr, sizeof(derr));
		close(ct->devcg_fd);
		ct->devcg_fd = -1;
		if (rc < 0) {
			kill(p->pid, SIGKILL);
			n = 4 + snprintf((char *)buf + 4, sizeof(buf) - 5, "%s", derr);
			uint32_t e = htonl(EPERM);
			memcpy(buf, &e, 4);
		}
	}
	if (n >= 4 && be32(buf) == 0) {
		p->state = IS_INIT(p->id) ? P_CREATED : P_RUNNING;
		struct tbuf b;
		tb_init(&b);
		tb_u32(&b, TAG_PID, (uint32_t)p->pid);
		channel_send(MSG_OK, p->pending_req, b.data, b.len);
		tb_free(&b);
		log_dbg("process %u is pid %d", p->id, (int)p->pid);
		streams_register(p);
		if (p->reaped)
			streams_on_reaped(p);
		return;
	}
	buf[n > 4 ? n : 4] = 0;
	int eno = n >= 4 ? (int)be32(buf) : ECHILD;
	reply_error(p->pending_req, eno, "%s",
		    n > 4 ? (char *)buf + 4 : "the process died during its setup");
	p->state = P_FAILED;
	if (IS_INIT(p->id))
		ctr_init_gone(CTR_OF(p->id)); /* allow another CREATE; the rmdir fails harmlessly until the child is gone */
	if (p->reaped)
		proc_free(p);
}

void proc_on_reaped(struct proc *p, int wstatus)
{
	p->reaped = 1;
	p->wstatus = wstatus;
	if (p->start_fd >= 0) {
		close(p->start_fd);
		p->start_fd = -1;
	}
	if (p->state == P_SETUP)
		return; /* the sync socket's EOF decides */
	if (p->state == P_FAILED) {
		proc_free(p);
		return;
	}
	streams_on_reaped(p);
}

void proc_start(struct proc *p)
{
	ssize_t w = write(p->start_fd, "S", 1);
	(void)w;
	close(p->start_fd);
	p->start_fd = -1;
	p->state = P_RUNNING;
}

/* ns fd of the init, or -1 when the agent is already in that namespace. */
static int open_ns(pid_t pid, const char *name)
{
	char path[64];
	struct stat a, b;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (fd >= 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The parent's copies of what only the child needed: closed on success and on failure alike. */
static void close_child_side(struct child_args *ca, int pidns)
{
	if (ca->tty >= 0)
		close(ca->tty);
	for (int i = 0; i < 5; i++)
		if (ca->ns_fd[i] >= 0)
			close(ca->ns_fd[i]);
	if (ca->map_fd >= 0)
		close(ca->map_fd);
	for (int i = 0; i < 2; i++)
		if (ca->join_fd[i] >= 0)
			close(ca->join_fd[i]);
	if (ca->root_fd >= 0)
		close(ca->root_fd);
	if (pidns >= 0)
		close(pidns);
}

/*
 * The parent's half of a user namespace (linux.uidMappings/gidMappings), as runc's nsexec: the
 * init was cloned into its new user namespace and waits on map_w. It has no capability outside
 * that namespace, so the agent writes what needs them here: its cgroup, its oom_score_adj, then
 * its uid_map and gid_map; the byte on map_w lets it go on (process.c becomes root inside).
 */
static int userns_setup(pid_t pid, const struct container_spec *cs, const struct proc_spec *ps,
			const char *cgroup, int map_w, char *err, size_t errsz)
{
	char path[64], v[32];
	/* the init cannot create /run/cocoon in the guest's root, owned by an id its namespace lacks */
	if (mkdir("/run/cocoon", 0755) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "mkdir /run/cocoon: %s", strerror(errno));
		return -1;
	}
	snprintf(v, sizeof(v), "%d", (int)pid);
	if (cgroup[0] && cg_write(cgroup, "cgroup.procs", v, err, errsz) < 0)
		return -1;
	if (ps->has_oom) {
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
		snprintf(v, sizeof(v), "%d", ps->oom_score_adj);
		if (write_file(path, v) < 0) {
			snprintf(err, errsz, "oom_score_adj %d: %s", ps->oom_score_adj, strerror(errno));
			return -1;
		}
	}
	static const char *const file[2] = {"uid_map", "gid_map"};
	static const char *const field[2] = {"linux.uidMappings", "linux.gidMappings"};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file[i]);
		if (write_file(path, i ? cs->gid_map : cs->uid_map) < 0) {
			snprintf(err, errsz, "%s: writing %s: %s", field[i], file[i], strerror(errno));
			return -1;
		}
	}
	if (write(map_w, "M", 1) != 1) {
		snprintf(err, errsz, "user namespace: %s", strerror(errno));
		return -1;
	}
	return 0;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		*eno = errno;                                                                      \
		snprintf(err, errsz, __VA_ARGS__);                                                 \
		goto fail;                                                                         \
	} while (0)

struct proc *proc_spawn(uint32_t id, uint32_t req, const struct proc_spec *ps,
			const struct container_spec *cs, char *err, size_t errsz, int *eno)
{
	struct child_args ca = {.ps = ps, .cs = cs, .tty = -1, .in_fd = -1, .out_fd = -1,
				.err_fd = -1, .start_fd = -1, .root_fd = -1,
				.ns_fd = {-1, -1, -1, -1, -1}, .map_fd = -1, .join_fd = {-1, -1}, .cgroup = ctr_cgroup(CTR_OF(id))};
	int syncp[2] = {-1, -1}, startp[2] = {-1, -1}, inp[2] = {-1, -1}, outp[2] = {-1, -1},
	    errp[2] = {-1, -1}, mapp[2] = {-1, -1}, master = -1, pidns = -1;
	struct proc *init = cs ? NULL : proc_find(CTR_ID(CTR_OF(id), 1));
	struct proc *sandbox = cs && cs->join_ns ? proc_find(CTR_ID(0, 1)) : NULL;
	struct proc *p = calloc(1, sizeof(*p));
	if (!p)
		FAIL("out of memory");

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, syncp) < 0 ||
	    (cs && pipe2(startp, O_CLOEXEC) < 0) || (cs && (cs->namespaces & CLONE_NEWUSER) && pipe2(mapp, O_CLOEXEC) < 0))
		FAIL("pipe: %s", strerror(errno));
	if (ps->terminal) {
		char name[64];
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
		    ptsname_r(master, name, sizeof(name)) != 0)
			FAIL("terminal: allocating a pty: %s", strerror(errno));
		if ((ca.tty = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
			FAIL("terminal: open %s: %s", name, strerror(errno));
		struct winsize ws = {.ws_row = (unsigned short)ps->rows, .ws_col = (unsigned short)ps->cols};
		if (ps->rows && ps->cols)
			ioctl(master, TIOCSWINSZ, &ws);
	} else {
		if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
			FAIL("pipe: %s", strerror(errno));
		if (ps->want_stdin ? pipe2(inp, O_CLOEXEC) < 0
			      : (inp[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
			FAIL("stdin: %s", strerror(errno));
		ca.in_fd = inp[0];
		ca.out_fd = outp[1];
		ca.err_fd = errp[1];
	}
	ca.sync_fd = syncp[1];
	ca.start_fd = startp[0];

	pid_t pid;
	if (cs) {
		/* a pod member joins the sandbox's IPC and UTS namespaces in the child, its PID
		 * namespace (shareProcessNamespace) here: pid_for_children, as an exec does */
		if (cs->join_ns && !sandbox)
			FAIL("CREATE: the pod's sandbox container is not running");
		errno = 0;
		if ((cs->join_ns & CLONE_NEWIPC) && (ca.join_fd[0] = open_ns(sandbox->pid, "ipc")) < 0 && errno)
			FAIL("CREATE: the sandbox's ipc namespace: %s", strerror(errno));
		errno = 0;
		if ((cs->join_ns & CLONE_NEWUTS) && (ca.join_fd[1] = open_ns(sandbox->pid, "uts")) < 0 && errno)
			FAIL("CREATE: the sandbox's uts namespace: %s", strerror(errno));
		if ((cs->join_ns & CLONE_NEWPID) && (pidns = open_ns(sandbox->pid, "pid")) >= 0 && setns(pidns, CLONE_NEWPID) < 0)
			FAIL("CREATE: setns to the sandbox's pid namespace: %s", strerror(errno));
		/* CLONE_NEWCGROUP is unshared by the child after joining its cgroup */
		unsigned long fl = (cs->namespaces & ~(unsigned)CLONE_NEWCGROUP) | CLONE_NEWNS | SIGCHLD;
		pid = (pid_t)syscall(SYS_clone, fl, NULL, NULL, NULL, NULL);
		int e = errno;
		if (pid != 0 && pidns >= 0 && setns(A.self_pidns, CLONE_NEWPID) < 0)
			log_err("setns back to the agent's pid namespace: %s", strerror(errno));
		errno = e;
		if (pid < 0)
			FAIL("clone: %s", strerror(errno));
		ca.map_fd = mapp[0]; /* the child's end: closed with the other child-side fds */
		mapp[0] = -1;
		if (pid > 0 && mapp[1] >= 0 && userns_setup(pid, cs, ps, ca.cgroup, mapp[1], err, errsz) < 0) {
			*eno = errno;
			kill(pid, SIGKILL); /* reaped as an unknown child */
			goto fail;
		}
	} else {
		static const char *const ns[5] = {"user", "cgroup", "ipc", "uts", "mnt"};
		char path[64];
		for (int i = 0; i < 5; i++)
			ca.ns_fd[i] = open_ns(init->pid, ns[i]);
		snprintf(path, sizeof(path), "/proc/%d/root", (int)init->pid);
		if ((ca.root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			FAIL("EXEC: open %s: %s", path, strerror(errno));
		pidns = open_ns(init->pid, "pid");
		if (pidns >= 0 && setns(pidns, CLONE_NEWPID) < 0)
			FAIL("EXEC: setns pid: %s", strerror(errno));
		pid = fork();
		int e = errno;
		if (pid != 0 && pidns >= 0 && setns(A.self_pidns, CLONE_NEWPID) < 0)
			log_err("setns back to the agent's pid namespace: %s", strerror(errno));
		errno = e;
		if (pid < 0)
			FAIL("fork: %s", strerror(errno));
	}
	if (pid == 0)
		child_main(&ca);

	p->id = id;
	p->pid = pid;
	p->pending_req = req;
	p->state = P_SETUP;
	p->terminal = ps->terminal;
	p->has_stdin = ps->want_stdin;
	p->start_fd = startp[1];
	p->sync.fd = syncp[0];
	p->sync.fn = sync_event;
	p->out[0].ev.fd = ps->terminal ? master : outp[0];
	p->out[1].ev.fd = ps->terminal ? -1 : errp[0];
	p->in.fd = ps->terminal ? -1 : ps->want_stdin ? inp[1] : -1;
	for (int i = 0; i < 2; i++)
		if (p->out[i].ev.fd >= 0)
			set_nonblock(p->out[i].ev.fd);
	if (p->in.fd >= 0)
		set_nonblock(p->in.fd);
	set_nonblock(p->sync.fd);
	if (inp[0] >= 0)
		close(inp[0]); /* the child's stdin (pipe end or /dev/null) */
	close(syncp[1]);
	if (startp[0] >= 0)
		close(startp[0]);
	if (mapp[1] >= 0)
		close(mapp[1]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[1] >= 0)
		close(errp[1]);
	close_child_side(&ca, pidns);
	p->next = A.procs;
	A.procs = p;
	loop_set(&p->sync, EPOLLIN);
	return p;

fail:
	for (int i = 0; i < 2; i++) {
		int *fds[] = {syncp, startp, inp, outp, errp, mapp};
		for (int j = 0; j < 6; j++)
			if (fds[j][i] >= 0)
				close(fds[j][i]);
	}
	if (master >= 0)
		close(master);
	close_child_side(&ca, pidns);
	free(p);
	return NULL;
}
