/*
 * spec.h - decoded CREATE / EXEC payloads (container spec, process spec).
 *
 * spec.c turns the TLV bytes into these plain structs (pure functions, unit
 * tested). All strings are NUL-terminated copies and all arrays live in one
 * arena, freed at once after the process has been forked.
 */
#ifndef COCOON_SPEC_H
#define COCOON_SPEC_H

#include <stddef.h>
#include <stdint.h>

struct arena {
	struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t n); /* zeroed, 8-aligned; NULL on OOM */
void arena_free(struct arena *a);

struct rlimit_spec {
	uint32_t type;
	uint64_t soft, hard;
};

struct proc_spec {
	char **argv; /* NULL-terminated, argc >= 1 */
	size_t argc;
	char **envp; /* NULL-terminated */
	size_t envc;
	char *cwd;      /* default "/" */
	uint32_t uid, gid;
	uint32_t *agids;
	size_t nagids;
	uint32_t umask; /* default 022 */
	struct rlimit_spec *rlimits;
	size_t nrlimits;
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	int no_new_privs;
	int has_oom;
	int32_t oom_score_adj;
	uint8_t *seccomp; /* struct sock_filter[], copied to 8-aligned memory */
	uint32_t seccomp_len; /* bytes, multiple of 8 */
	uint32_t seccomp_flags;
	int terminal, want_stdin;
	uint32_t rows, cols;
	char *user_name;
};

struct mount_spec {
	char *type, *source, *dest, *data;
	uint64_t flags;
	int has_propagation;
	uint64_t propagation;
	int staging, mkdir;
};

/* linux.devices: a node to create in the container. type is 'c', 'b', 'u' or 'p'. */
struct device_spec {
	char *path;
	char type;
	uint64_t major, minor;
	uint32_t mode, uid, gid;
};

/* One device cgroup rule. type 'a', 'c' or 'b'; access a subset of "rwm". */
struct devrule_spec {
	int allow;
	char type;
	int any_major, any_minor;
	uint64_t major, minor;
	unsigned access; /* DEVCG_ACC_* bits */
};

/* A guest network interface (found by MAC) and its configuration. */
struct route_spec {
	char *dst; /* CIDR, "default" or "default6" */
	char *gw;  /* NULL: on-link */
};
struct netif_spec {
	char *name, *mac;
	char *new_mac; /* NULL: keep the MAC */
	int down;      /* a standby NIC: renamed, left down, no addresses */
	uint32_t mtu;
	char **addrs; /* CIDRs */
	size_t naddrs;
	struct route_spec *routes;
	size_t nroutes;
};

/* A small file made in a tmpfs and bound into the container. */
struct file_spec {
	char *path;
	uint32_t mode;
	const uint8_t *data; /* not NUL-terminated */
	uint32_t len;
};

struct container_spec {
	struct netif_spec *netifs;
	size_t nnetifs;
	struct file_spec *files;
	size_t nfiles;
	struct mount_spec *shares; /* mounted once in the agent's namespace */
	size_t nshares;
	struct device_spec *devices;
	size_t ndevices;
	struct devrule_spec *rules;
	size_t nrules;
	struct mount_spec rootfs;
	struct mount_spec *mounts;
	size_t nmounts;
	char *hostname, *domainname;
	char **sysctls, **masked, **readonly;
	size_t nsysctls, nmasked, nreadonly;
	uint32_t namespaces;
	uint32_t join_ns; /* a pod member: clone flags joined from the sandbox's (container 0's) init */
	char *uid_map, *gid_map; /* CLONE_NEWUSER: written to /proc/PID/{uid,gid}_map by the agent */
	struct proc_spec process;
	int root_readonly;
	int has_mem_max, has_pids_max, has_mem_low;
	uint64_t mem_max, pids_max, mem_low;
	uint64_t propagation; /* default MS_PRIVATE|MS_REC */
};

/* Both return 0, or -1 with a one-line message in err (naming the field). */
int spec_decode_container(const uint8_t *p, size_t n, struct arena *a, struct container_spec *out,
			  char *err, size_t errsz);
/* NETCONF: the repeated NETIF fields of a request, into *out (arena-allocated). */
int spec_decode_netconf(const uint8_t *p, size_t n, struct arena *a, struct netif_spec **out, size_t *count,
			char *err, size_t errsz);
int spec_decode_process(const uint8_t *p, size_t n, struct arena *a, struct proc_spec *out,
			char *err, size_t errsz);

#endif
