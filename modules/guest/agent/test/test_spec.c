/*
 * test_spec.c - unit tests of spec.c: decoding CREATE/EXEC payloads, the
 * error messages for malformed fields, and ignoring unknown tags.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <sys/mount.h>

#include "frame.h"
#include "proto.h"
#include "spec.h"
#include "test.h"

static void process_fields(struct tbuf *b)
{
	tb_str(b, TAG_P_ARG, "/bin/sh");
	tb_str(b, TAG_P_ARG, "-c");
	tb_str(b, TAG_P_ARG, "echo hi");
	tb_str(b, TAG_P_ENV, "PATH=/bin");
	tb_str(b, TAG_P_CWD, "/work");
	tb_u32(b, TAG_P_UID, 1000);
	tb_u32(b, TAG_P_GID, 1001);
	tb_u32(b, TAG_P_AGID, 5);
	tb_u32(b, TAG_P_AGID, 6);
	size_t m = tb_begin(b, TAG_P_RLIMIT);
	tb_u32(b, TAG_RL_TYPE, 7);
	tb_u64(b, TAG_RL_SOFT, 100);
	tb_u64(b, TAG_RL_HARD, 200);
	tb_end(b, m);
	tb_u64(b, TAG_P_CAP_BOUNDING, 0x5);
	tb_flag(b, TAG_P_NO_NEW_PRIVS);
	tb_u32(b, TAG_P_OOM_SCORE_ADJ, (uint32_t)-500);
	uint8_t bpf[16] = {0};
	tb_field(b, TAG_P_SECCOMP_BPF, bpf, sizeof(bpf));
	tb_flag(b, TAG_P_TERMINAL);
	tb_u32(b, TAG_P_ROWS, 24);
	tb_u32(b, 0x0fff, 1); /* unknown: ignored */
}

static void test_process_ok(void)
{
	struct tbuf b;
	tb_init(&b);
	process_fields(&b);
	struct arena a = {0};
	struct proc_spec ps;
	char err[256] = "";
	CHECK(spec_decode_process(b.data, b.len, &a, &ps, err, sizeof(err)) == 0);
	CHECK(ps.argc == 3 && !strcmp(ps.argv[0], "/bin/sh") && !strcmp(ps.argv[2], "echo hi"));
	CHECK(ps.argv[3] == NULL);
	CHECK(ps.envc == 1 && !strcmp(ps.envp[0], "PATH=/bin") && ps.envp[1] == NULL);
	CHECK(!strcmp(ps.cwd, "/work") && ps.uid == 1000 && ps.gid == 1001);
	CHECK(ps.nagids == 2 && ps.agids[0] == 5 && ps.agids[1] == 6);
	CHECK(ps.nrlimits == 1 && ps.rlimits[0].type == 7 && ps.rlimits[0].soft == 100 &&
	      ps.rlimits[0].hard == 200);
	CHECK(ps.cap_bounding == 5 && ps.cap_effective == 0);
	CHECK(ps.no_new_privs && ps.has_oom && ps.oom_score_adj == -500);
	CHECK(ps.seccomp_len == 16 && ps.terminal && !ps.want_stdin && ps.rows == 24);
	CHECK(ps.umask == 022);
	arena_free(&a);
	tb_free(&b);
}

/* Appends one bad field to a valid process and expects err to mention 'want'. */
static void expect_process_error(void (*add)(struct tbuf *), const char *want)
{
	struct tbuf b;
	tb_init(&b);
	tb_str(&b, TAG_P_ARG, "x");
	add(&b);
	struct arena a = {0};
	struct proc_spec ps;
	char err[256] = "";
	int r = spec_decode_process(b.data, b.len, &a, &ps, err, sizeof(err));
	CHECK(r < 0);
	if (!strstr(err, want)) {
		fprintf(stderr, "  error '%s' does not mention '%s'\n", err, want);
		CHECK(0);
	}
	arena_free(&a);
	tb_free(&b);
}

static void bad_uid(struct tbuf *b) { tb_field(b, TAG_P_UID, "abc", 3); }
static void bad_flag(struct tbuf *b) { tb_u32(b, TAG_P_NO_NEW_PRIVS, 1); }
static void bad_nul(struct tbuf *b) { tb_field(b, TAG_P_ENV, "A=\0b", 4); }
static void bad_cwd(struct tbuf *b) { tb_str(b, TAG_P_CWD, "relative"); }
static void bad_bpf(struct tbuf *b) { tb_field(b, TAG_P_SECCOMP_BPF, "1234567", 7); }
static void bad_rlimit(struct tbuf *b)
{
	size_t m = tb_begin(b, TAG_P_RLIMIT);
	tb_u64(b, TAG_RL_SOFT, 1);
	tb_end(b, m);
}
static void bad_rlimit_trunc(struct tbuf *b)
{
	uint8_t x[] = {0x00, 0x70, 0, 0, 0, 9, 1};
	tb_field(b, TAG_P_RLIMIT, x, sizeof(x));
}
static void bad_umask(struct tbuf *b) { tb_u32(b, TAG_P_UMASK, 01000); }
static void bad_cap(struct tbuf *b) { tb_u32(b, TAG_P_CAP_EFFECTIVE, 1); }

static void test_process_errors(void)
{
	expect_process_error(bad_uid, "UID: wrong length 3");
	expect_process_error(bad_flag, "NO_NEW_PRIVS");
	expect_process_error(bad_nul, "ENV: contains a NUL");
	expect_process_error(bad_cwd, "CWD");
	expect_process_error(bad_bpf, "SECCOMP_BPF");
	expect_process_error(bad_rlimit, "RL_TYPE");
	expect_process_error(bad_rlimit_trunc, "RLIMIT: truncated");
	expect_process_error(bad_umask, "UMASK");
	expect_process_error(bad_cap, "CAP_EFFECTIVE: wrong length 4 (want 8)");
	/* no ARG at all */
	struct arena a = {0};
	struct proc_spec ps;
	char err[256];
	uint8_t empty[1];
	CHECK(spec_decode_process(empty, 0, &a, &ps, err, sizeof(err)) < 0 && strstr(err, "ARG"));
	uint8_t trunc[] = {0x00, 0x50, 0, 0, 0, 10, 'a'};
	CHECK(spec_decode_process(trunc, sizeof(trunc), &a, &ps, err, sizeof(err)) < 0 &&
	      strstr(err, "truncated"));
	arena_free(&a);
}

static void add_mount(struct tbuf *b, uint16_t tag, const char *type, const char *src, const char *dest,
		      uint64_t flags, int staging)
{
	size_t m = tb_begin(b, tag);
	tb_str(b, TAG_M_TYPE, type);
	if (src)
		tb_str(b, TAG_M_SOURCE, src);
	if (dest)
		tb_str(b, TAG_M_DEST, dest);
	if (flags)
		tb_u64(b, TAG_M_FLAGS, flags);
	if (staging)
		tb_flag(b, TAG_M_STAGING);
	tb_flag(b, TAG_M_MKDIR);
	tb_end(b, m);
}

static void test_container(void)
{
	struct tbuf b, pb;
	tb_init(&b);
	tb_init(&pb);
	add_mount(&b, TAG_ROOTFS, "9p", "rootfs", NULL, 0, 0);
	add_mount(&b, TAG_MOUNT, "9p", "share3", "/run/cocoon/shares/3", 0, 1);
	add_mount(&b, TAG_MOUNT, "proc", "proc", "/proc", MS_NOSUID, 0);
	add_mount(&b, TAG_MOUNT, "bind", "/run/cocoon/shares/3/f", "/etc/f", MS_BIND | MS_RDONLY, 0);
	tb_str(&b, TAG_HOSTNAME, "box");
	tb_str(&b, TAG_SYSCTL, "kernel.msgmax=9000");
	tb_str(&b, TAG_MASKED_PATH, "/proc/kcore");
	tb_str(&b, TAG_READONLY_PATH, "/proc/sys");
	tb_u32(&b, TAG_NAMESPACES, CLONE_NEWNS | CLONE_NEWPID);
	tb_str(&pb, TAG_P_ARG, "/bin/true");
	tb_field(&b, TAG_PROCESS, pb.data, pb.len);
	tb_flag(&b, TAG_ROOT_READONLY);
	tb_u64(&b, TAG_CGROUP_MEMORY_MAX, 1 << 20);
	tb_u32(&b, 0x0ABC, 3); /* unknown */

	struct arena a = {0};
	struct container_spec cs;
	char err[256] = "";
	CHECK(spec_decode_container(b.data, b.len, &a, &cs, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	CHECK(!strcmp(cs.rootfs.type, "9p") && !strcmp(cs.rootfs.source, "rootfs"));
	CHECK(cs.nmounts == 3 && cs.mounts[0].staging && !cs.mounts[1].staging);
	CHECK(!strcmp(cs.mounts[1].dest, "/proc") && cs.mounts[1].flags == MS_NOSUID && cs.mounts[1].mkdir);
	CHECK(!strcmp(cs.mounts[2].type, "bind") && !strcmp(cs.mounts[2].source, "/run/cocoon/shares/3/f"));
	CHECK(!strcmp(cs.hostname, "box") && cs.domainname == NULL);
	CHECK(cs.nsysctls == 1 && cs.nmasked == 1 && cs.nreadonly == 1);
	CHECK(cs.namespaces == (CLONE_NEWNS | CLONE_NEWPID));
	CHECK(cs.process.argc == 1 && !strcmp(cs.process.cwd, "/"));
	CHECK(cs.root_readonly && cs.has_mem_max && cs.mem_max == 1 << 20 && !cs.has_pids_max);
	CHECK(cs.propagation == (MS_PRIVATE | MS_REC));
	arena_free(&a);

	/* errors */
	struct tbuf c;
	tb_init(&c);
	tb_field(&c, TAG_PROCESS, pb.data, pb.len);
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 && strstr(err, "ROOTFS"));
	add_mount(&c, TAG_ROOTFS, "bind", "/x", NULL, 0, 0);
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) == 0);
	tb_u32(&c, TAG_NAMESPACES, CLONE_NEWNET);
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 &&
	      strstr(err, "NAMESPACES"));
	/* a user namespace carries both id maps; maps without one are refused */
	tb_reset(&c);
	tb_field(&c, TAG_PROCESS, pb.data, pb.len);
	add_mount(&c, TAG_ROOTFS, "bind", "/x", NULL, 0, 0);
	tb_str(&c, TAG_UID_MAP, "0 1000 2000\n");
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 && strstr(err, "need a user namespace"));
	tb_u32(&c, TAG_NAMESPACES, CLONE_NEWUSER);
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 && strstr(err, "GID_MAP"));
	tb_str(&c, TAG_GID_MAP, "0 1000 1\n");
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) == 0 && (cs.namespaces & CLONE_NEWUSER) &&
	      !strcmp(cs.uid_map, "0 1000 2000\n") && !strcmp(cs.gid_map, "0 1000 1\n"));
	tb_reset(&c);
	tb_field(&c, TAG_PROCESS, pb.data, pb.len);
	add_mount(&c, TAG_ROOTFS, "bind", "/x", NULL, 0, 0);
	add_mount(&c, TAG_MOUNT, "tmpfs", NULL, "relative/dest", 0, 0);
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 && strstr(err, "DEST"));
	tb_reset(&c);
	tb_field(&c, TAG_PROCESS, pb.data, pb.len);
	add_mount(&c, TAG_ROOTFS, "bind", NULL, NULL, 0, 0);
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 &&
	      strstr(err, "bind without SOURCE"));
	tb_reset(&c);
	tb_field(&c, TAG_PROCESS, pb.data, pb.len);
	add_mount(&c, TAG_ROOTFS, "bind", "/x", NULL, 0, 0);
	tb_str(&c, TAG_SYSCTL, "novalue");
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 && strstr(err, "SYSCTL"));
	tb_reset(&c);
	add_mount(&c, TAG_ROOTFS, "bind", "/x", NULL, 0, 0);
	tb_field(&c, TAG_PROCESS, "\x00\x50\x00", 3); /* truncated nested TLV */
	CHECK(spec_decode_container(c.data, c.len, &a, &cs, err, sizeof(err)) < 0 &&
	      strstr(err, "PROCESS: truncated"));
	arena_free(&a);
	tb_free(&c);
	tb_free(&b);
	tb_free(&pb);
}

static size_t add_netif(struct tbuf *b, const char *name, const char *mac)
{
	size_t m = tb_begin(b, TAG_NETIF);
	tb_str(b, TAG_N_NAME, name);
	tb_str(b, TAG_N_MAC, mac);
	tb_u32(b, TAG_N_MTU, 1500);
	return m;
}

static void test_netconf(void)
{
	struct tbuf b;
	tb_init(&b);
	size_t m = add_netif(&b, "eth0", "02:00:00:00:00:01");
	tb_str(&b, TAG_N_NEW_MAC, "0a:58:0a:58:00:05");
	tb_str(&b, TAG_N_ADDR, "10.88.0.5/16");
	tb_str(&b, TAG_N_ADDR, "fd00::5/64");
	size_t r = tb_begin(&b, TAG_N_ROUTE);
	tb_str(&b, TAG_R_DST, "default");
	tb_str(&b, TAG_R_GW, "10.88.0.1");
	tb_end(&b, r);
	tb_end(&b, m);
	m = add_netif(&b, "standby1", "02:00:00:00:00:02");
	tb_flag(&b, TAG_N_DOWN);
	tb_end(&b, m);
	struct arena a = {0};
	struct netif_spec *nf;
	size_t n;
	char err[256] = "";
	CHECK(spec_decode_netconf(b.data, b.len, &a, &nf, &n, err, sizeof(err)) == 0);
	CHECK(n == 2 && !strcmp(nf[0].name, "eth0") && nf[0].mtu == 1500 && !nf[0].down);
	CHECK(nf[0].new_mac && !strcmp(nf[0].new_mac, "0a:58:0a:58:00:05"));
	CHECK(nf[0].naddrs == 2 && !strcmp(nf[0].addrs[1], "fd00::5/64"));
	CHECK(nf[0].nroutes == 1 && !strcmp(nf[0].routes[0].dst, "default") && !strcmp(nf[0].routes[0].gw, "10.88.0.1"));
	CHECK(nf[1].down && !nf[1].new_mac && nf[1].naddrs == 0);

	tb_reset(&b); /* no interface at all */
	tb_u32(&b, 0x0fff, 1);
	CHECK(spec_decode_netconf(b.data, b.len, &a, &nf, &n, err, sizeof(err)) < 0 && strstr(err, "no NETIF"));
	tb_reset(&b);
	m = add_netif(&b, "eth0", "02:00:00:00:00:01");
	tb_str(&b, TAG_N_NEW_MAC, "nonsense");
	tb_end(&b, m);
	CHECK(spec_decode_netconf(b.data, b.len, &a, &nf, &n, err, sizeof(err)) < 0 && strstr(err, "NEW_MAC"));
	tb_reset(&b);
	m = add_netif(&b, "eth0", "02:00:00:00:00:01");
	tb_u32(&b, TAG_N_DOWN, 1); /* a flag has no value */
	tb_end(&b, m);
	CHECK(spec_decode_netconf(b.data, b.len, &a, &nf, &n, err, sizeof(err)) < 0 && strstr(err, "DOWN"));
	tb_reset(&b);
	m = add_netif(&b, "a/b", "02:00:00:00:00:01");
	tb_end(&b, m);
	CHECK(spec_decode_netconf(b.data, b.len, &a, &nf, &n, err, sizeof(err)) < 0 && strstr(err, "interface name"));
	tb_reset(&b);
	tb_field(&b, TAG_NETIF, "\x00\xc0\x00", 3);
	CHECK(spec_decode_netconf(b.data, b.len, &a, &nf, &n, err, sizeof(err)) < 0 && strstr(err, "truncated"));
	arena_free(&a);
	tb_free(&b);
}

int main(void)
{
	test_netconf();
	test_process_ok();
	test_process_errors();
	test_container();
	TEST_MAIN_END();
}
