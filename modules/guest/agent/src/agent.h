/*
 * agent.h - shared state of the agent: the event loop, the process table and
 * the container, plus the entry points each module offers the others.
 *
 * The agent is single threaded: one epoll loop (main.c) dispatches to event
 * sources embedded in the objects below; nothing blocks except short,
 * bounded file operations on /proc, /sys and the cgroup tree.
 */
#ifndef COCOON_AGENT_H
#define COCOON_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

/* ---- event loop (main.c) ---- */
struct evsrc {
	void (*fn)(struct evsrc *src, uint32_t events);
	int fd;
	uint32_t events; /* current interest; 0 = not registered */
};

/* Sets the interest of src->fd: 0 removes it from epoll (a registered fd
 * with nothing to do would otherwise keep reporting HUP/ERR). */
void loop_set(struct evsrc *src, uint32_t events);
int64_t now_ms(void);

/* ---- the containers of the VM: one, or a pod's sandbox and its members ----
 * A frame's id carries its container: id >> CTR_SHIFT (0 = the first container, a pod's
 * sandbox). The host's pod proxy puts a member's request and process ids in the member's range,
 * so each member's monitor speaks the one-container protocol (init 1, execs 2, 3, ...) and the
 * agent scopes every request (START, EXEC, SIGNAL ALL, PS, STATS, UPDATE, FREEZE) to the
 * container of its id. Process ids in payloads (PROC_ID) are local to that container. */
#define CTR_SHIFT 20
#define CTR_MASK ((1u << CTR_SHIFT) - 1)
#define CTR_OF(id) ((uint32_t)(id) >> CTR_SHIFT)
#define CTR_ID(k, local) (((uint32_t)(k) << CTR_SHIFT) | ((uint32_t)(local) & CTR_MASK))
#define IS_INIT(id) (((id) & CTR_MASK) == 1)
#define CTR_SLOTS 64

struct ctr {
	int used;          /* CREATE in progress or done, until the init is gone */
	uint32_t k;        /* the container's number */
	char cgroup[256];  /* its guest cgroup dir, "" = none */
	int devcg_fd;      /* its device cgroup program, loaded, not yet attached (-1) */
};

/* ctrtab.c */
struct ctr *ctr_find(uint32_t k);  /* the live container k, or NULL */
struct ctr *ctr_claim(uint32_t k); /* a slot for a new container k, NULL when all are taken */
void ctr_init_gone(uint32_t k);    /* its init has exited: kill the rest, remove the cgroup, free the slot */
const char *ctr_cgroup(uint32_t k); /* its cgroup dir, "" when none */

/* ---- processes ---- */
enum proc_state {
	P_SETUP,   /* forked, waiting for the child's setup result on the sync socket */
	P_CREATED, /* container init ready, waiting for START */
	P_RUNNING, /* released (exec'd or about to) */
	P_FAILED,  /* setup failed: no streams, no EXIT, freed once reaped */
};

struct ostream {
	struct evsrc ev;  /* ev.fd = our end of the pipe / pty master */
	struct proc *owner;
	int open;         /* not yet at end of stream */
	int closing;      /* grace period over: end at the next EAGAIN */
	int64_t window;   /* bytes the host still accepts */
};

struct proc {
	struct proc *next;
	int dead;        /* freed; kept until the current epoll batch is done */
	uint32_t id;      /* CTR_ID(container, host-chosen local id); local 1 = the container's init */
	pid_t pid;        /* guest pid */
	enum proc_state state;
	int terminal, has_stdin;

	struct evsrc sync;  /* child -> agent: setup result */
	uint32_t pending_req; /* request id of the CREATE/EXEC waiting for sync */
	int start_fd;       /* agent -> init: START byte (init only) */

	struct ostream out[2]; /* stdout, stderr; with a terminal out[0] is the pty master */
	struct evsrc in;       /* stdin pipe; unused with a terminal (the master is out[0]) */
	uint8_t *inbuf;        /* STDIN bytes accepted but not yet written */
	size_t inlen;
	int64_t in_grant;      /* STDIN bytes the host may still send */
	int in_close;          /* CLOSE_STDIN received */
	int in_done;           /* stdin closed / no longer accepted */

	int reaped;
	int wstatus;
	int64_t grace_deadline; /* ms; 0 = none */
};

struct agent {
	struct proc *procs;
	uint32_t *used_ids;     /* exec process ids seen (never reused) */
	size_t nused;
	struct ctr ctrs[CTR_SLOTS];
	char cgroup_base[256];  /* container 0's cgroup, and the prefix of the others' ("" = no cgroups) */
	int pid1;               /* running as the VM's init */
	int once;               /* host-test: exit when the connection closes */
	int self_pidns;         /* fd of the agent's own pid namespace */
	int cap_last;           /* /proc/sys/kernel/cap_last_cap */
	int64_t shutdown_at;    /* SHUTDOWN: SIGKILL deadline (0 = not shutting down) */
	int shutdown_phase;
};

extern struct agent A;

/* main.c */
void agent_exit_or_reboot(void) __attribute__((noreturn));

/* requests.c */
void requests_handle(uint16_t type, uint32_t id, const uint8_t *p, uint32_t len);
void reply_error(uint32_t id, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void reply_ok_empty(uint32_t id);
void shutdown_tick(void);
/* Signals every process of the container (as PID 1: every process). */
void kill_all(int sig);

/* spawn.c: the process table and the parent side of fork/exec */
struct proc *proc_find(uint32_t id);
struct proc *proc_by_pid(pid_t pid);
struct proc *proc_spawn(uint32_t id, uint32_t req, const struct proc_spec *ps,
			const struct container_spec *cs, char *err, size_t errsz, int *eno);
void proc_start(struct proc *p);
void proc_free(struct proc *p); /* deferred: memory stays valid until proc_gc() */
void proc_gc(void);
void proc_on_reaped(struct proc *p, int wstatus);

/* process.c: the child side, between fork and execve */
struct child_args {
	const struct proc_spec *ps;
	const struct container_spec *cs; /* container init only */
	int sync_fd;                     /* write end: setup result */
	int start_fd;                    /* read end: START byte (init only) */
	int tty;                         /* pty slave, or -1 */
	int in_fd, out_fd, err_fd;       /* stdio without a terminal */
	int ns_fd[5];                    /* exec: user, cgroup, ipc, uts, mnt of the init (-1 = same) */
	int map_fd;                      /* init in a user namespace: read end, a byte once its id maps are written */
	int join_fd[2];                  /* init of a pod member: ipc, uts of the sandbox's init (-1 = none) */
	const char *cgroup;              /* the container's cgroup, "" = none */
	int root_fd;                     /* exec: /proc/<init>/root */
};
void child_main(const struct child_args *a) __attribute__((noreturn));

/* container.c (child side) */
int container_setup(const struct container_spec *cs, char *err, size_t errsz);

/* streams.c */
void streams_register(struct proc *p);
void streams_update(struct proc *p);
void streams_reattach(struct proc *p);
void streams_update_all(void);
void streams_credit(struct proc *p, uint32_t stream, uint32_t bytes);
void streams_stdin(struct proc *p, const uint8_t *data, uint32_t len);
void streams_close_stdin(struct proc *p);
void streams_on_reaped(struct proc *p);
void streams_grace_check(int64_t now);
int64_t streams_next_deadline(void);
void proc_maybe_finish(struct proc *p);

/* reaper.c */
int reaper_init(void);
void reaper_reap(void);

/* cgroup.c */
int cg_init_root(void);
int cg_create(struct ctr *c, const struct container_spec *cs, char *err, size_t errsz);
int cg_join_self(const char *path);
int cg_write(const char *cg, const char *file, const char *val, char *err, size_t errsz);
int cg_set_limit(const char *cg, const char *file, uint64_t v, char *err, size_t errsz);
/* The processes of cgroup cg ("" = the agent's processes and their descendants). */
size_t cg_pids(const char *cg, pid_t **out);
/* FREEZE/THAW: cgroup.freeze, waiting (bounded) for cgroup.events to say so. */
int cg_freeze(const char *cg, int frozen, char *err, size_t errsz);

/* devices.c */
int devices_create(const struct container_spec *cs, const char *root, char *err, size_t errsz);
/* Returns the loaded program's fd, -1 when there are no rules, -2 on error (err set). */
int devcg_load(const struct container_spec *cs, char *err, size_t errsz);
int devcg_attach(const char *cgroup, int prog_fd, char *err, size_t errsz);

/* netconf.c: the guest's interfaces, configured once per VM in the agent's netns */
int netconf_apply(const struct netif_spec *nf, size_t count, char *err, size_t errsz);
int netconf_remap_mac(const char *from, const char *to, char *err, size_t errsz);
/* clone.c: HELLO's SEED, for a guest cloned from a template */
int rng_reseed(const uint8_t *bytes, uint32_t len, char *err, size_t errsz);

/* shares.c: the VM-wide shared directories, mounted once in the agent's namespace */
int shares_mount(const struct container_spec *cs, char *err, size_t errsz);

/* info.c */
void info_ps(uint32_t req, const char *cg);
void info_stats(uint32_t req, const char *cg);
int read_file(const char *path, char *buf, size_t sz);
int write_file(const char *path, const char *s);

/* modules.c */
void load_modules(void);

#endif
