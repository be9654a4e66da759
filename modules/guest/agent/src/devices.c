/*
 * devices.c - linux.devices and the device cgroup.
 *
 * devices_create (child side, in the container's mount namespace, after the
 * mounts): the nodes of linux.devices, resolved under the root by path.c,
 * with their type, major:minor, mode and owner, as runc creates them.
 *
 * devcg_apply (agent side, on the container's cgroup): cgroup v2 has no
 * devices.allow file; runc attaches a BPF_PROG_TYPE_CGROUP_DEVICE program
 * instead, and so does this. The rules come in the order of
 * linux.resources.devices followed by the runtime's implicit allows (the
 * host appends them), with cgroup v1 semantics: a rule for every device
 * ("a *:* rwm") resets the default and forgets earlier rules; later rules
 * win. The program checks the rules newest first and returns the first
 * match's verdict, else the default.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "path.h"

/* The guest's own node at the same path, when it is of that type and number: bound over target. */
static int bind_guest_node(const struct device_spec *d, mode_t type, dev_t rdev, const char *target)
{
	struct stat st;
	if (stat(d->path, &st) < 0 || (st.st_mode & S_IFMT) != type || st.st_rdev != rdev)
		return -1;
	int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return mount(d->path, target, NULL, MS_BIND, NULL);
}

int devices_create(const struct container_spec *cs, const char *root, char *err, size_t errsz)
{
	for (size_t i = 0; i < cs->ndevices; i++) {
		const struct device_spec *d = &cs->devices[i];
		char target[4096], dir[4096];
		if (path_resolve_in_root(root, d->path, target, sizeof(target)) < 0) {
			snprintf(err, errsz, "device %s: %s", d->path, strerror(errno));
			return -1;
		}
		snprintf(dir, sizeof(dir), "%s", target);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			if (path_mkdir_all(dir, 0755) < 0) {
				snprintf(err, errsz, "device %s: mkdir: %s", d->path, strerror(errno));
				return -1;
			}
		}
		mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
		unlink(target); /* an existing node of the same name is replaced, as runc does */
		dev_t rdev = d->type == 'p' ? 0 : makedev(d->major, d->minor);
		int rc = mknod(target, type | (d->mode & 07777), rdev), e = errno;
		/* no mknod in a user namespace: bind the guest's node of that number, as runc binds the host's */
		if (rc < 0 && e == EPERM && (cs->namespaces & CLONE_NEWUSER) && bind_guest_node(d, type, rdev, target) == 0)
			continue;
		if (rc < 0) {
			errno = e;
			snprintf(err, errsz, "mknod %s (%c %llu:%llu): %s", d->path, d->type, (unsigned long long)d->major,
				 (unsigned long long)d->minor, strerror(errno));
			return -1;
		}
		/* mknod honours the umask: set the mode as asked */
		if (chmod(target, d->mode & 07777) < 0 || chown(target, d->uid, d->gid) < 0) {
			snprintf(err, errsz, "device %s: chmod/chown: %s", d->path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MAX_INSNS 4096

/* Appends one rule's checks; jumps past the rule when any check fails. */
static size_t emit_rule(struct bpf_insn *p, size_t n, const struct devrule_spec *r)
{
	size_t start = n;
	size_t jumps[4];
	size_t nj = 0;
	if (r->type != 'a') {
		jumps[nj++] = n;
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
			      r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if ((r->access & 7) != 7) {
		/* the access asked for must be among the rule's */
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)(~r->access & 7));
		jumps[nj++] = n;
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, 0, 0);
	}
	if (!r->any_major) {
		jumps[nj++] = n;
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
	}
	if (!r->any_minor) {
		jumps[nj++] = n;
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
	}
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t j = 0; j < nj; j++)
		p[jumps[j]].off = (int16_t)(n - jumps[j] - 1);
	(void)start;
	return n;
}

/* Builds the program; returns its length, or 0 when there are no rules at all. */
size_t devcg_program(const struct container_spec *cs, struct bpf_insn *p, size_t cap)
{
	if (cs->nrules == 0)
		return 0;
	/* v1 semantics: find the last "everything" rule; it sets the default */
	int dflt = 1;
	size_t first = 0;
	for (size_t i = 0; i < cs->nrules; i++) {
		const struct devrule_spec *r = &cs->rules[i];
		if (r->type == 'a' && r->any_major && r->any_minor && (r->access & 7) == 7) {
			dflt = r->allow;
			first = i + 1;
		}
	}
	if (cap < 8 + (cs->nrules - first) * 9)
		return 0;
	size_t n = 0;
	/* r2 = type, r3 = access, r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx) */
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xFFFF);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_1, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1, 4, 0);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, 8, 0);
	for (size_t i = cs->nrules; i > first; i--)
		n = emit_rule(p, n, &cs->rules[i - 1]);
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, dflt);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

/*
 * Loads the program (at CREATE, while the rules are at hand); it is attached
 * only once the container init has set up its root (devcg_attach): the init
 * joins the cgroup first, and the rules would otherwise keep it from opening
 * its own block rootfs, which runc never has to mount.
 */
int devcg_load(const struct container_spec *cs, char *err, size_t errsz)
{
	static struct bpf_insn prog[MAX_INSNS];
	size_t n = devcg_program(cs, prog, MAX_INSNS);
	if (n == 0) {
		if (cs->nrules) {
			snprintf(err, errsz, "device cgroup: too many rules (%zu)", cs->nrules);
			return -2;
		}
		return -1;
	}
	static char log[4096];
	union bpf_attr a;
	log[0] = 0;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t) "Apache-2.0";
	int pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (pfd < 0) {
		/* again with the verifier's log, for the message (a log too small for a big program
		 * makes the load itself fail with ENOSPC, so not on the first try) */
		int e = errno;
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = sizeof(log);
		a.log_level = 1;
		if (syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a)) < 0 && errno != ENOSPC)
			e = errno;
		errno = e;
		snprintf(err, errsz, "device cgroup: loading the BPF program: %s%s%.200s", strerror(errno), log[0] ? ": " : "",
			 log);
		return -2;
	}
	fcntl(pfd, F_SETFD, FD_CLOEXEC);
	log_dbg("device cgroup: %zu rules, %zu instructions", cs->nrules, n);
	return pfd;
}

int devcg_attach(const char *cgroup, int pfd, char *err, size_t errsz)
{
	union bpf_attr a;
	int cfd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0) {
		snprintf(err, errsz, "device cgroup: open %s: %s", cgroup, strerror(errno));
		close(pfd);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cfd;
	a.attach_bpf_fd = (uint32_t)pfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	int rc = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a));
	int e = errno;
	close(cfd);
	close(pfd); /* the attachment holds the program */
	if (rc < 0) {
		snprintf(err, errsz, "device cgroup: attaching to %s: %s", cgroup, strerror(e));
		return -1;
	}
	return 0;
}
