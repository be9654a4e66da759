/*
 * spec.c - decode the container spec (CREATE) and process spec (EXEC) TLVs.
 *
 * Pure functions: bytes in, structs out, or a one-line error naming the
 * offending field (it becomes the EINVAL reply). Unknown tags are ignored,
 * wrong value lengths, embedded NULs and missing required fields are errors.
 * Memory comes from an arena so that a half-decoded spec needs no cleanup.
 */
#define _GNU_SOURCE
#include "spec.h"

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "frame.h"
#include "proto.h"

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 8192 ? n : 8192;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *n = a->head->next;
		free(a->head);
		a->head = n;
	}
}

struct dec {
	struct arena *a;
	char *err;
	size_t errsz;
};

__attribute__((format(printf, 2, 3))) static int fail(struct dec *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err, d->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static int get_str(struct dec *d, const char *name, const uint8_t *v, uint32_t len, char **out)
{
	if (tlv_str_ok(v, len) < 0)
		return fail(d, "%s: contains a NUL byte", name);
	char *s = arena_alloc(d->a, (size_t)len + 1);
	if (!s)
		return fail(d, "%s: out of memory", name);
	memcpy(s, v, len);
	*out = s;
	return 0;
}

static int get_u32(struct dec *d, const char *name, const uint8_t *v, uint32_t len, uint32_t *out)
{
	if (tlv_u32(v, len, out) < 0)
		return fail(d, "%s: wrong length %u (want 4)", name, len);
	return 0;
}

static int get_u64(struct dec *d, const char *name, const uint8_t *v, uint32_t len, uint64_t *out)
{
	if (tlv_u64(v, len, out) < 0)
		return fail(d, "%s: wrong length %u (want 8)", name, len);
	return 0;
}

static int get_flag(struct dec *d, const char *name, uint32_t len, int *out)
{
	if (len != 0)
		return fail(d, "%s: wrong length %u (want 0)", name, len);
	*out = 1;
	return 0;
}

/* Allocates a NULL-terminated array for the count of 'tag' fields. */
static void *alloc_list(struct dec *d, const uint8_t *p, size_t n, uint16_t tag, size_t elem,
			size_t *count)
{
	*count = tlv_count(p, n, tag);
	return arena_alloc(d->a, (*count + 1) * elem);
}

static int decode_rlimit(struct dec *d, const uint8_t *p, uint32_t n, struct rlimit_spec *rl)
{
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	int r, have_type = 0;
	rl->soft = rl->hard = RLIM_INFINITY;
	tlv_iter_init(&it, p, n);
	while ((r = tlv_next(&it, &tag, &v, &len)) == 1) {
		switch (tag) {
		case TAG_RL_TYPE:
			if (get_u32(d, "RL_TYPE", v, len, &rl->type) < 0)
				return -1;
			have_type = 1;
			break;
		case TAG_RL_SOFT:
			if (get_u64(d, "RL_SOFT", v, len, &rl->soft) < 0)
				return -1;
			break;
		case TAG_RL_HARD:
			if (get_u64(d, "RL_HARD", v, len, &rl->hard) < 0)
				return -1;
			break;
		}
	}
	if (r < 0)
		return fail(d, "RLIMIT: truncated field");
	if (!have_type)
		return fail(d, "RLIMIT: missing RL_TYPE");
	if (rl->type >= RLIM_NLIMITS)
		return fail(d, "RLIMIT: unknown RL_TYPE %u", rl->type);
	if (rl->soft > rl->hard)
		return fail(d, "RLIMIT: RL_SOFT above RL_HARD for type %u", rl->type);
	return 0;
}

static int decode_process(struct dec *d, const uint8_t *p, size_t n, struct proc_spec *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->umask = 022;
	if (tlv_check(p, n) < 0)
		return fail(d, "PROCESS: truncated field");
	ps->argv = alloc_list(d, p, n, TAG_P_ARG, sizeof(char *), &ps->argc);
	ps->envp = alloc_list(d, p, n, TAG_P_ENV, sizeof(char *), &ps->envc);
	ps->agids = alloc_list(d, p, n, TAG_P_AGID, sizeof(uint32_t), &ps->nagids);
	ps->rlimits = alloc_list(d, p, n, TAG_P_RLIMIT, sizeof(struct rlimit_spec), &ps->nrlimits);
	if (!ps->argv || !ps->envp || !ps->agids || !ps->rlimits)
		return fail(d, "PROCESS: out of memory");
	size_t na = 0, ne = 0, ng = 0, nr = 0;
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len, u;
	int rc = 0;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && tlv_next(&it, &tag, &v, &len) == 1) {
		switch (tag) {
		case TAG_P_ARG: rc = get_str(d, "ARG", v, len, &ps->argv[na++]); break;
		case TAG_P_ENV: rc = get_str(d, "ENV", v, len, &ps->envp[ne++]); break;
		case TAG_P_CWD: rc = get_str(d, "CWD", v, len, &ps->cwd); break;
		case TAG_P_UID: rc = get_u32(d, "UID", v, len, &ps->uid); break;
		case TAG_P_GID: rc = get_u32(d, "GID", v, len, &ps->gid); break;
		case TAG_P_AGID: rc = get_u32(d, "AGID", v, len, &ps->agids[ng++]); break;
		case TAG_P_UMASK: rc = get_u32(d, "UMASK", v, len, &ps->umask); break;
		case TAG_P_RLIMIT: rc = decode_rlimit(d, v, len, &ps->rlimits[nr++]); break;
		case TAG_P_CAP_BOUNDING: rc = get_u64(d, "CAP_BOUNDING", v, len, &ps->cap_bounding); break;
		case TAG_P_CAP_EFFECTIVE: rc = get_u64(d, "CAP_EFFECTIVE", v, len, &ps->cap_effective); break;
		case TAG_P_CAP_PERMITTED: rc = get_u64(d, "CAP_PERMITTED", v, len, &ps->cap_permitted); break;
		case TAG_P_CAP_INHERITABLE:
			rc = get_u64(d, "CAP_INHERITABLE", v, len, &ps->cap_inheritable);
			break;
		case TAG_P_CAP_AMBIENT: rc = get_u64(d, "CAP_AMBIENT", v, len, &ps->cap_ambient); break;
		case TAG_P_NO_NEW_PRIVS: rc = get_flag(d, "NO_NEW_PRIVS", len, &ps->no_new_privs); break;
		case TAG_P_OOM_SCORE_ADJ:
			rc = get_u32(d, "OOM_SCORE_ADJ", v, len, &u);
			ps->oom_score_adj = (int32_t)u;
			ps->has_oom = 1;
			break;
		case TAG_P_SECCOMP_BPF:
			if (len == 0 || len % 8 != 0 || len / 8 > 4096) {
				rc = fail(d, "SECCOMP_BPF: length %u is not 8..32768 in steps of 8", len);
				break;
			}
			ps->seccomp = arena_alloc(d->a, len);
			if (!ps->seccomp) {
				rc = fail(d, "SECCOMP_BPF: out of memory");
				break;
			}
			memcpy(ps->seccomp, v, len);
			ps->seccomp_len = len;
			break;
		case TAG_P_SECCOMP_FLAGS: rc = get_u32(d, "SECCOMP_FLAGS", v, len, &ps->seccomp_flags); break;
		case TAG_P_TERMINAL: rc = get_flag(d, "TERMINAL", len, &ps->terminal); break;
		case TAG_P_STDIN: rc = get_flag(d, "STDIN", len, &ps->want_stdin); break;
		case TAG_P_ROWS: rc = get_u32(d, "ROWS", v, len, &ps->rows); break;
		case TAG_P_COLS: rc = get_u32(d, "COLS", v, len, &ps->cols); break;
		case TAG_P_USER_NAME: rc = get_str(d, "USER_NAME", v, len, &ps->user_name); break;
		default: break; /* unknown tags are ignored */
		}
	}
	if (rc < 0)
		return -1;
	if (ps->argc == 0 || ps->argv[0][0] == 0)
		return fail(d, "PROCESS: missing ARG");
	if (ps->cwd && ps->cwd[0] != '/')
		return fail(d, "CWD: not an absolute path: %s", ps->cwd);
	if (ps->umask > 0777)
		return fail(d, "UMASK: out of range: %o", ps->umask);
	if (ps->has_oom && (ps->oom_score_adj < -1000 || ps->oom_score_adj > 1000))
		return fail(d, "OOM_SCORE_ADJ: out of range: %d", ps->oom_score_adj);
	if (!ps->cwd)
		ps->cwd = "/";
	return 0;
}

static int decode_mount(struct dec *d, const char *what, const uint8_t *p, size_t n,
			struct mount_spec *m, int need_dest)
{
	memset(m, 0, sizeof(*m));
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	int r, rc = 0;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && (r = tlv_next(&it, &tag, &v, &len)) == 1) {
		switch (tag) {
		case TAG_M_TYPE: rc = get_str(d, "TYPE", v, len, &m->type); break;
		case TAG_M_SOURCE: rc = get_str(d, "SOURCE", v, len, &m->source); break;
		case TAG_M_DEST: rc = get_str(d, "DEST", v, len, &m->dest); break;
		case TAG_M_FLAGS: rc = get_u64(d, "FLAGS", v, len, &m->flags); break;
		case TAG_M_DATA: rc = get_str(d, "DATA", v, len, &m->data); break;
		case TAG_M_PROPAGATION:
			rc = get_u64(d, "PROPAGATION", v, len, &m->propagation);
			m->has_propagation = 1;
			break;
		case TAG_M_STAGING: rc = get_flag(d, "STAGING", len, &m->staging); break;
		case TAG_M_MKDIR: rc = get_flag(d, "MKDIR", len, &m->mkdir); break;
		default: break;
		}
		if (rc < 0)
			return -1;
	}
	if (r < 0)
		return fail(d, "%s: truncated field", what);
	if (!m->type || !m->type[0])
		return fail(d, "%s: missing TYPE", what);
	if (need_dest && (!m->dest || m->dest[0] != '/'))
		return fail(d, "%s: DEST missing or not absolute%s%s", what, m->dest ? ": " : "",
			    m->dest ? m->dest : "");
	if (!strcmp(m->type, "bind") && (!m->source || !m->source[0]))
		return fail(d, "%s: bind without SOURCE", what);
	return 0;
}

static int decode_route(struct dec *d, const uint8_t *p, size_t n, struct route_spec *r)
{
	memset(r, 0, sizeof(*r));
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	int x, rc = 0;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && (x = tlv_next(&it, &tag, &v, &len)) == 1) {
		if (tag == TAG_R_DST)
			rc = get_str(d, "ROUTE DST", v, len, &r->dst);
		else if (tag == TAG_R_GW)
			rc = get_str(d, "ROUTE GW", v, len, &r->gw);
	}
	if (rc < 0)
		return -1;
	if (x < 0)
		return fail(d, "ROUTE: truncated field");
	if (!r->dst || !r->dst[0])
		return fail(d, "ROUTE: DST missing");
	return 0;
}

static int decode_netif(struct dec *d, const uint8_t *p, size_t n, struct netif_spec *nf)
{
	memset(nf, 0, sizeof(*nf));
	nf->addrs = alloc_list(d, p, n, TAG_N_ADDR, sizeof(char *), &nf->naddrs);
	nf->routes = alloc_list(d, p, n, TAG_N_ROUTE, sizeof(struct route_spec), &nf->nroutes);
	if (!nf->addrs || !nf->routes)
		return fail(d, "NETIF: out of memory");
	size_t na = 0, nr = 0;
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	int x, rc = 0;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && (x = tlv_next(&it, &tag, &v, &len)) == 1) {
		switch (tag) {
		case TAG_N_NAME: rc = get_str(d, "NETIF NAME", v, len, &nf->name); break;
		case TAG_N_MAC: rc = get_str(d, "NETIF MAC", v, len, &nf->mac); break;
		case TAG_N_MTU: rc = get_u32(d, "NETIF MTU", v, len, &nf->mtu); break;
		case TAG_N_DOWN: rc = get_flag(d, "NETIF DOWN", len, &nf->down); break;
		case TAG_N_NEW_MAC: rc = get_str(d, "NETIF NEW_MAC", v, len, &nf->new_mac); break;
		case TAG_N_ADDR: rc = get_str(d, "NETIF ADDR", v, len, &nf->addrs[na++]); break;
		case TAG_N_ROUTE: rc = decode_route(d, v, len, &nf->routes[nr++]); break;
		default: break;
		}
	}
	if (rc < 0)
		return -1;
	if (x < 0)
		return fail(d, "NETIF: truncated field");
	if (!nf->name || !nf->name[0] || strlen(nf->name) >= 16 || strchr(nf->name, '/'))
		return fail(d, "NETIF: NAME missing or not an interface name");
	if (!nf->mac || strlen(nf->mac) != 17)
		return fail(d, "NETIF %s: MAC missing or not aa:bb:cc:dd:ee:ff", nf->name);
	if (nf->new_mac && strlen(nf->new_mac) != 17)
		return fail(d, "NETIF %s: NEW_MAC not aa:bb:cc:dd:ee:ff", nf->name);
	return 0;
}

static int decode_file(struct dec *d, const uint8_t *p, size_t n, struct file_spec *f)
{
	memset(f, 0, sizeof(*f));
	f->mode = 0644;
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	int x, rc = 0;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && (x = tlv_next(&it, &tag, &v, &len)) == 1) {
		switch (tag) {
		case TAG_F_PATH: rc = get_str(d, "FILE PATH", v, len, &f->path); break;
		case TAG_F_MODE: rc = get_u32(d, "FILE MODE", v, len, &f->mode); break;
		case TAG_F_DATA:
			f->data = v;
			f->len = len;
			break;
		default: break;
		}
	}
	if (rc < 0)
		return -1;
	if (x < 0)
		return fail(d, "FILE: truncated field");
	if (!f->path || f->path[0] != '/')
		return fail(d, "FILE: PATH missing or not absolute");
	if (f->mode & ~07777u)
		return fail(d, "FILE %s: MODE 0%o has file type bits", f->path, f->mode);
	return 0;
}

static int decode_device(struct dec *d, const uint8_t *p, size_t n, struct device_spec *dv)
{
	memset(dv, 0, sizeof(*dv));
	dv->mode = 0666;
	char *type = NULL;
	int has_major = 0, has_minor = 0;
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	int r, rc = 0;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && (r = tlv_next(&it, &tag, &v, &len)) == 1) {
		switch (tag) {
		case TAG_D_PATH: rc = get_str(d, "DEVICE PATH", v, len, &dv->path); break;
		case TAG_D_TYPE: rc = get_str(d, "DEVICE TYPE", v, len, &type); break;
		case TAG_D_MAJOR: rc = get_u64(d, "DEVICE MAJOR", v, len, &dv->major), has_major = 1; break;
		case TAG_D_MINOR: rc = get_u64(d, "DEVICE MINOR", v, len, &dv->minor), has_minor = 1; break;
		case TAG_D_MODE: rc = get_u32(d, "DEVICE MODE", v, len, &dv->mode); break;
		case TAG_D_UID: rc = get_u32(d, "DEVICE UID", v, len, &dv->uid); break;
		case TAG_D_GID: rc = get_u32(d, "DEVICE GID", v, len, &dv->gid); break;
		default: break;
		}
		if (rc < 0)
			return -1;
	}
	if (r < 0)
		return fail(d, "DEVICE: truncated field");
	if (!dv->path || dv->path[0] != '/')
		return fail(d, "DEVICE: PATH missing or not absolute");
	if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
		return fail(d, "DEVICE %s: TYPE must be c, b, u or p", dv->path);
	dv->type = type[0];
	if (dv->type != 'p' && (!has_major || !has_minor))
		return fail(d, "DEVICE %s: MAJOR and MINOR are required", dv->path);
	if (dv->major > 0xfff || dv->minor > 0xfffff)
		return fail(d, "DEVICE %s: %llu:%llu out of range", dv->path, (unsigned long long)dv->major,
			    (unsigned long long)dv->minor);
	if (dv->mode & ~07777u)
		return fail(d, "DEVICE %s: MODE 0%o has file type bits", dv->path, dv->mode);
	return 0;
}

static int decode_devrule(struct dec *d, const uint8_t *p, size_t n, struct devrule_spec *dr)
{
	memset(dr, 0, sizeof(*dr));
	dr->any_major = dr->any_minor = 1;
	char *type = NULL, *access = NULL;
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	int r, rc = 0;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && (r = tlv_next(&it, &tag, &v, &len)) == 1) {
		switch (tag) {
		case TAG_DR_ALLOW: rc = get_flag(d, "DEVICE_RULE ALLOW", len, &dr->allow); break;
		case TAG_DR_TYPE: rc = get_str(d, "DEVICE_RULE TYPE", v, len, &type); break;
		case TAG_DR_MAJOR: rc = get_u64(d, "DEVICE_RULE MAJOR", v, len, &dr->major), dr->any_major = 0; break;
		case TAG_DR_MINOR: rc = get_u64(d, "DEVICE_RULE MINOR", v, len, &dr->minor), dr->any_minor = 0; break;
		case TAG_DR_ACCESS: rc = get_str(d, "DEVICE_RULE ACCESS", v, len, &access); break;
		default: break;
		}
		if (rc < 0)
			return -1;
	}
	if (r < 0)
		return fail(d, "DEVICE_RULE: truncated field");
	if (!type || strlen(type) != 1 || !strchr("acb", type[0]))
		return fail(d, "DEVICE_RULE: TYPE must be a, c or b");
	dr->type = type[0];
	if (!access || !access[0])
		return fail(d, "DEVICE_RULE: ACCESS missing");
	for (const char *c = access; *c; c++) {
		switch (*c) {
		case 'm': dr->access |= 1; break; /* BPF_DEVCG_ACC_MKNOD */
		case 'r': dr->access |= 2; break; /* BPF_DEVCG_ACC_READ */
		case 'w': dr->access |= 4; break; /* BPF_DEVCG_ACC_WRITE */
		default: return fail(d, "DEVICE_RULE: ACCESS %s: only r, w, m", access);
		}
	}
	if (dr->major > 0xffffffffu || dr->minor > 0xffffffffu)
		return fail(d, "DEVICE_RULE: major/minor out of range");
	return 0;
}

int spec_decode_netconf(const uint8_t *p, size_t n, struct arena *a, struct netif_spec **out, size_t *count,
			char *err, size_t errsz)
{
	struct dec d = {a, err, errsz};
	if (tlv_check(p, n) < 0)
		return fail(&d, "NETCONF: truncated field");
	*out = alloc_list(&d, p, n, TAG_NETIF, sizeof(struct netif_spec), count);
	if (!*out)
		return fail(&d, "NETCONF: out of memory");
	if (!*count)
		return fail(&d, "NETCONF: no NETIF");
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	size_t i = 0;
	tlv_iter_init(&it, p, n);
	while (tlv_next(&it, &tag, &v, &len) == 1)
		if (tag == TAG_NETIF && decode_netif(&d, v, len, &(*out)[i++]) < 0)
			return -1;
	return 0;
}

int spec_decode_process(const uint8_t *p, size_t n, struct arena *a, struct proc_spec *out, char *err,
			size_t errsz)
{
	struct dec d = {a, err, errsz};
	return decode_process(&d, p, n, out);
}

#define ALLOWED_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWUSER)

int spec_decode_container(const uint8_t *p, size_t n, struct arena *a, struct container_spec *cs,
			  char *err, size_t errsz)
{
	struct dec dd = {a, err, errsz}, *d = &dd;
	memset(cs, 0, sizeof(*cs));
	cs->propagation = MS_PRIVATE | MS_REC;
	if (tlv_check(p, n) < 0)
		return fail(d, "CREATE: truncated field");
	cs->mounts = alloc_list(d, p, n, TAG_MOUNT, sizeof(struct mount_spec), &cs->nmounts);
	cs->shares = alloc_list(d, p, n, TAG_SHARE, sizeof(struct mount_spec), &cs->nshares);
	cs->netifs = alloc_list(d, p, n, TAG_NETIF, sizeof(struct netif_spec), &cs->nnetifs);
	cs->files = alloc_list(d, p, n, TAG_FILE, sizeof(struct file_spec), &cs->nfiles);
	cs->devices = alloc_list(d, p, n, TAG_DEVICE, sizeof(struct device_spec), &cs->ndevices);
	cs->rules = alloc_list(d, p, n, TAG_DEVICE_RULE, sizeof(struct devrule_spec), &cs->nrules);
	cs->sysctls = alloc_list(d, p, n, TAG_SYSCTL, sizeof(char *), &cs->nsysctls);
	cs->masked = alloc_list(d, p, n, TAG_MASKED_PATH, sizeof(char *), &cs->nmasked);
	cs->readonly = alloc_list(d, p, n, TAG_READONLY_PATH, sizeof(char *), &cs->nreadonly);
	if (!cs->mounts || !cs->sysctls || !cs->masked || !cs->readonly || !cs->shares || !cs->devices || !cs->rules ||
	    !cs->netifs || !cs->files)
		return fail(d, "CREATE: out of memory");
	size_t nm = 0, nsy = 0, nma = 0, nro = 0, nsh = 0, ndv = 0, nru = 0, nnf = 0, nfi = 0;
	int have_root = 0, have_proc = 0, rc = 0;
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	tlv_iter_init(&it, p, n);
	while (rc == 0 && tlv_next(&it, &tag, &v, &len) == 1) {
		switch (tag) {
		case TAG_ROOTFS:
			rc = decode_mount(d, "ROOTFS", v, len, &cs->rootfs, 0);
			have_root = 1;
			break;
		case TAG_MOUNT: rc = decode_mount(d, "MOUNT", v, len, &cs->mounts[nm++], 1); break;
		case TAG_SHARE: rc = decode_mount(d, "SHARE", v, len, &cs->shares[nsh++], 1); break;
		case TAG_NETIF: rc = decode_netif(d, v, len, &cs->netifs[nnf++]); break;
		case TAG_FILE: rc = decode_file(d, v, len, &cs->files[nfi++]); break;
		case TAG_DEVICE: rc = decode_device(d, v, len, &cs->devices[ndv++]); break;
		case TAG_DEVICE_RULE: rc = decode_devrule(d, v, len, &cs->rules[nru++]); break;
		case TAG_HOSTNAME: rc = get_str(d, "HOSTNAME", v, len, &cs->hostname); break;
		case TAG_DOMAINNAME: rc = get_str(d, "DOMAINNAME", v, len, &cs->domainname); break;
		case TAG_SYSCTL: rc = get_str(d, "SYSCTL", v, len, &cs->sysctls[nsy++]); break;
		case TAG_MASKED_PATH: rc = get_str(d, "MASKED_PATH", v, len, &cs->masked[nma++]); break;
		case TAG_READONLY_PATH: rc = get_str(d, "READONLY_PATH", v, len, &cs->readonly[nro++]); break;
		case TAG_NAMESPACES: rc = get_u32(d, "NAMESPACES", v, len, &cs->namespaces); break;
		case TAG_JOIN_NS: rc = get_u32(d, "JOIN_NS", v, len, &cs->join_ns); break;
		case TAG_UID_MAP: rc = get_str(d, "UID_MAP", v, len, &cs->uid_map); break;
		case TAG_GID_MAP: rc = get_str(d, "GID_MAP", v, len, &cs->gid_map); break;
		case TAG_PROCESS:
			rc = decode_process(d, v, len, &cs->process);
			have_proc = 1;
			break;
		case TAG_ROOT_READONLY: rc = get_flag(d, "ROOT_READONLY", len, &cs->root_readonly); break;
		case TAG_CGROUP_MEMORY_MAX:
			rc = get_u64(d, "CGROUP_MEMORY_MAX", v, len, &cs->mem_max);
			cs->has_mem_max = 1;
			break;
		case TAG_CGROUP_MEMORY_LOW:
			rc = get_u64(d, "CGROUP_MEMORY_LOW", v, len, &cs->mem_low);
			cs->has_mem_low = 1;
			break;
		case TAG_CGROUP_PIDS_MAX:
			rc = get_u64(d, "CGROUP_PIDS_MAX", v, len, &cs->pids_max);
			cs->has_pids_max = 1;
			break;
		case TAG_PROPAGATION: rc = get_u64(d, "PROPAGATION", v, len, &cs->propagation); break;
		default: break;
		}
	}
	if (rc < 0)
		return -1;
	if (!have_root)
		return fail(d, "CREATE: missing ROOTFS");
	if (!have_proc)
		return fail(d, "CREATE: missing PROCESS");
	if (cs->namespaces & ~(uint32_t)ALLOWED_NS)
		return fail(d, "NAMESPACES: unsupported clone flags 0x%x",
			    cs->namespaces & ~(uint32_t)ALLOWED_NS);
#define JOINABLE_NS (CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID)
	if (cs->join_ns & ~(uint32_t)JOINABLE_NS)
		return fail(d, "JOIN_NS: only IPC, UTS and PID can be joined, not 0x%x", cs->join_ns & ~(uint32_t)JOINABLE_NS);
	cs->namespaces &= ~cs->join_ns; /* joined, not created */
	if ((cs->namespaces & CLONE_NEWUSER) && (!cs->uid_map || !cs->gid_map))
		return fail(d, "NAMESPACES: a user namespace needs UID_MAP and GID_MAP");
	if (!(cs->namespaces & CLONE_NEWUSER) && (cs->uid_map || cs->gid_map))
		return fail(d, "UID_MAP/GID_MAP: id maps need a user namespace (CLONE_NEWUSER)");
	for (size_t i = 0; i < cs->nsysctls; i++)
		if (!strchr(cs->sysctls[i], '=') || cs->sysctls[i][0] == '=')
			return fail(d, "SYSCTL: not key=value: %s", cs->sysctls[i]);
	return 0;
}
