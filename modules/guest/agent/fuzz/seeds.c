/*
 * seeds.c - writes the seed inputs of the fuzz targets (make fuzz-seeds).
 *
 * The payloads are laid out as the host's encoder (io.cocoon.core.agent.
 * AgentPayloads) writes them: ROOTFS, MOUNTs, HOSTNAME, SYSCTLs, MASKED and
 * READONLY paths, NAMESPACES, PROPAGATION, cgroup limits, then PROCESS with
 * ARGs, ENVs, CWD, UID/GID, UMASK, RLIMITs, the five capability sets,
 * NO_NEW_PRIVS, seccomp, TERMINAL/STDIN/ROWS/COLS. The fuzzers' kept corpora
 * started from these (then grew and were minimised with -merge=1), plus the seed-java-*
 * inputs: AgentPayloads's own encoding of core's SpecFuzzTestInputs/config/full.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "frame.h"
#include "proto.h"

static const char *dir;

static void put(const char *target, const char *name, const void *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/seed-%s", dir, target, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void process(struct tbuf *b, int full)
{
	tb_str(b, TAG_P_ARG, "/bin/sh");
	tb_str(b, TAG_P_ARG, "-c");
	tb_str(b, TAG_P_ARG, "echo hi");
	tb_str(b, TAG_P_ENV, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	tb_str(b, TAG_P_ENV, "TERM=xterm");
	tb_str(b, TAG_P_CWD, "/");
	tb_u32(b, TAG_P_UID, 0);
	tb_u32(b, TAG_P_GID, 0);
	if (!full)
		return;
	tb_u32(b, TAG_P_AGID, 10);
	tb_u32(b, TAG_P_UMASK, 022);
	size_t m = tb_begin(b, TAG_P_RLIMIT);
	tb_u32(b, TAG_RL_TYPE, 7);
	tb_u64(b, TAG_RL_SOFT, 1024);
	tb_u64(b, TAG_RL_HARD, 1024);
	tb_end(b, m);
	tb_u64(b, TAG_P_CAP_BOUNDING, 0xa80425fb);
	tb_u64(b, TAG_P_CAP_EFFECTIVE, 0xa80425fb);
	tb_u64(b, TAG_P_CAP_PERMITTED, 0xa80425fb);
	tb_u64(b, TAG_P_CAP_INHERITABLE, 0);
	tb_u64(b, TAG_P_CAP_AMBIENT, 0);
	tb_flag(b, TAG_P_NO_NEW_PRIVS);
	tb_u32(b, TAG_P_OOM_SCORE_ADJ, (uint32_t)-500);
	uint8_t bpf[16] = {0x20, 0, 0, 0, 0, 0, 0, 4, 0x06, 0, 0, 0, 0x7f, 0xff, 0, 0};
	tb_field(b, TAG_P_SECCOMP_BPF, bpf, sizeof(bpf));
	tb_u32(b, TAG_P_SECCOMP_FLAGS, 0);
	tb_flag(b, TAG_P_TERMINAL);
	tb_flag(b, TAG_P_STDIN);
	tb_u32(b, TAG_P_ROWS, 24);
	tb_u32(b, TAG_P_COLS, 80);
	tb_str(b, TAG_P_USER_NAME, "root");
}

static void mnt(struct tbuf *b, uint16_t tag, const char *type, const char *src, const char *dest, uint64_t flags,
		  const char *data, int staging, int mk)
{
	size_t m = tb_begin(b, tag);
	tb_str(b, TAG_M_TYPE, type);
	tb_str(b, TAG_M_SOURCE, src);
	tb_str(b, TAG_M_DEST, dest);
	tb_u64(b, TAG_M_FLAGS, flags);
	tb_str(b, TAG_M_DATA, data);
	if (flags & MS_BIND)
		tb_u64(b, TAG_M_PROPAGATION, MS_PRIVATE);
	if (staging)
		tb_flag(b, TAG_M_STAGING);
	if (mk)
		tb_flag(b, TAG_M_MKDIR);
	tb_end(b, m);
}

static void create(struct tbuf *b, int full)
{
	mnt(b, TAG_ROOTFS, "9p", "rootfs", "/", 0, "trans=virtio,version=9p2000.L,msize=262144", 0, 0);
	mnt(b, TAG_MOUNT, "proc", "proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "", 0, 1);
	if (full) {
		mnt(b, TAG_MOUNT, "tmpfs", "tmpfs", "/dev", MS_NOSUID, "mode=755,size=65536k", 0, 1);
		mnt(b, TAG_MOUNT, "9p", "vol0", "/run/cocoon/vol0", 0, "trans=virtio", 1, 1);
		mnt(b, TAG_MOUNT, "bind", "/run/cocoon/vol0", "/data", MS_BIND | MS_REC | MS_RDONLY, "", 0, 1);
		tb_str(b, TAG_HOSTNAME, "box");
		tb_str(b, TAG_DOMAINNAME, "example.org");
		tb_str(b, TAG_SYSCTL, "net.ipv4.ip_forward=1");
		tb_str(b, TAG_SYSCTL, "kernel.shm_rmid_forced=1");
		tb_str(b, TAG_MASKED_PATH, "/proc/kcore");
		tb_str(b, TAG_READONLY_PATH, "/proc/sys");
	}
	tb_u32(b, TAG_NAMESPACES, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC);
	if (full) {
		tb_flag(b, TAG_ROOT_READONLY);
		tb_u64(b, TAG_PROPAGATION, MS_PRIVATE | MS_REC);
		tb_u64(b, TAG_CGROUP_MEMORY_MAX, 268435456);
		tb_u64(b, TAG_CGROUP_PIDS_MAX, 100);
	}
	size_t m = tb_begin(b, TAG_PROCESS);
	process(b, full);
	tb_end(b, m);
}

static void frame(struct tbuf *s, uint16_t type, uint32_t id, const struct tbuf *p)
{
	uint8_t h[12];
	frame_put_header(h, type, id, p ? (uint32_t)p->len : 0);
	tb_raw(s, h, 12);
	if (p)
		tb_raw(s, p->data, p->len);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	struct tbuf b, s, f;
	tb_init(&b);
	tb_init(&s);
	tb_init(&f);

	for (int full = 0; full < 2; full++) {
		tb_reset(&b);
		process(&b, full);
		put("fuzz_spec_process", full ? "full" : "min", b.data, b.len);
		put("fuzz_tlv", full ? "process-full" : "process-min", b.data, b.len);
		tb_reset(&b);
		create(&b, full);
		put("fuzz_spec_container", full ? "full" : "min", b.data, b.len);
		put("fuzz_tlv", full ? "create-full" : "create-min", b.data, b.len);
	}

	/* a session: HELLO, CREATE, START, EXEC, STDIN, CREDIT, RESIZE, SIGNAL, UPDATE, PS, STATS, SHUTDOWN */
	tb_reset(&s);
	tb_reset(&f);
	tb_u32(&f, TAG_VERSION, 1);
	tb_u64(&f, TAG_TIME_NS, 1700000000000000000ull);
	frame(&s, MSG_HELLO, 1, &f);
	tb_reset(&f);
	create(&f, 1);
	frame(&s, MSG_CREATE, 2, &f);
	frame(&s, MSG_START, 3, NULL);
	tb_reset(&f);
	tb_u32(&f, TAG_PROC_ID, 2);
	size_t m = tb_begin(&f, TAG_PROCESS);
	process(&f, 0);
	tb_end(&f, m);
	frame(&s, MSG_EXEC, 4, &f);
	tb_reset(&f);
	tb_raw(&f, "hello\n", 6);
	frame(&s, MSG_STDIN, 2, &f);
	tb_reset(&f);
	tb_u32(&f, TAG_STREAM, 1);
	tb_u32(&f, TAG_BYTES, 65536);
	frame(&s, MSG_CREDIT, 2, &f);
	tb_reset(&f);
	tb_u32(&f, TAG_PROC_ID, 2);
	tb_u32(&f, TAG_ROWS, 40);
	tb_u32(&f, TAG_COLS, 120);
	frame(&s, MSG_RESIZE, 5, &f);
	tb_reset(&f);
	tb_u32(&f, TAG_PROC_ID, 2);
	frame(&s, MSG_CLOSE_STDIN, 6, &f);
	tb_reset(&f);
	tb_u32(&f, TAG_PROC_ID, 1);
	tb_u32(&f, TAG_SIGNAL, 15);
	tb_flag(&f, TAG_ALL);
	frame(&s, MSG_SIGNAL, 7, &f);
	tb_reset(&f);
	tb_u64(&f, TAG_CGROUP_MEMORY_MAX, 536870912);
	tb_u64(&f, TAG_CGROUP_PIDS_MAX, 0);
	tb_str(&f, TAG_CPU_MAX, "50000 100000");
	tb_u64(&f, TAG_CPU_WEIGHT, 100);
	frame(&s, MSG_UPDATE, 8, &f);
	frame(&s, MSG_PS, 9, NULL);
	frame(&s, MSG_STATS, 10, NULL);
	frame(&s, MSG_PING, 11, NULL);
	tb_reset(&f);
	tb_u32(&f, TAG_TIMEOUT_MS, 500);
	frame(&s, MSG_SHUTDOWN, 12, &f);
	put("fuzz_requests", "session", s.data, s.len);

	/* frames: the session with a cut seed byte in front, garbage, an oversized header, a partial frame */
	tb_reset(&b);
	tb_raw(&b, "\x07", 1);
	tb_raw(&b, s.data, s.len);
	put("fuzz_frame", "session", b.data, b.len);
	tb_reset(&b);
	tb_raw(&b, "\x2a" "garbage\xc0x\xc0", 11);
	uint8_t h[12];
	frame_put_header(h, MSG_PING, 1, FRAME_MAX_PAYLOAD + 1); /* oversized: resynchronise */
	tb_raw(&b, h, 12);
	frame_put_header(h, MSG_PING, 2, 0);
	tb_raw(&b, h, 12);
	frame_put_header(h, MSG_STDIN, 3, 100); /* partial payload at the end */
	tb_raw(&b, h, 12);
	tb_raw(&b, "abc", 3);
	put("fuzz_frame", "resync", b.data, b.len);

	/* paths: [root-with-slash byte] x0-target NUL x1-target NUL path */
	static const struct {
		const char *name;
		const char p[64];
		size_t n;
	} paths[] = {
		{"plain", "\x00/a/b/g", 8},
		{"dotdot", "\x01/../../a/./b/../b", 19},
		{"links", "\x00/abs/b/../back/top/x", 22},
		{"x0", "\x00/etc\0../a\0/x0/passwd", 22},
		{"missing", "\x00\0\0/nope/../abs/new", 20},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		put("fuzz_path", paths[i].name, paths[i].p, paths[i].n);
	tb_free(&b);
	tb_free(&s);
	tb_free(&f);
	return 0;
}
