/*
 * main.c - cocoon-agent entry point: PID-1 duties, boot mounts, the loop.
 *
 * As the VM's /init (PID 1) the agent moves itself off the initramfs root
 * (so that pivot_root works for the container), mounts /proc, /sys, /dev,
 * /dev/pts, /run, /tmp and the cgroup2 tree, brings up lo, reads its options
 * from the kernel command line (cocoon.channel=, cocoon.debug=1; with
 * cocoon.probe=1 it only prints a line and reboots: the host's KVM probe), opens the
 * host channel and serves requests forever; if the loop fails it logs to the
 * console and reboots (which ends QEMU: reboot=t + -no-reboot).
 *
 * Host-test mode (not PID 1, or --channel given): no boot mounts, the agent
 * listens on the given unix socket and, with --once, exits when the host's
 * connection closes. Everything else is the same code.
 *
 *   cocoon-agent [--channel unix:/path|vsock:N|hvc:/dev/hvcN|virtio]
 *                [--once] [--debug] [--cgroup /sys/fs/cgroup/DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "channel.h"
#include "log.h"

struct agent A = {.self_pidns = -1, .cap_last = 40};
static int epfd = -1;

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void loop_set(struct evsrc *src, uint32_t events)
{
	if (src->fd < 0 || events == src->events)
		return;
	struct epoll_event e = {.events = events, .data.ptr = src};
	int op = !events ? EPOLL_CTL_DEL : src->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(epfd, op, src->fd, &e) < 0)
		log_err("epoll_ctl(%d, fd %d): %s", op, src->fd, strerror(errno));
	src->events = events;
}

void agent_exit_or_reboot(void)
{
	if (!A.pid1) {
		/* host-test mode: leave nothing behind */
		kill_all(SIGKILL);
		for (int i = 0; i < 100 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
			usleep(10000);
		for (int i = 0; i < CTR_SLOTS; i++)
			if (A.ctrs[i].used && A.ctrs[i].cgroup[0])
				rmdir(A.ctrs[i].cgroup);
		exit(0);
	}
	sync();
	reboot(RB_AUTOBOOT);
	for (;;) /* PID 1 must never exit */
		pause();
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long fl, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, fl, data) < 0 && errno != EBUSY)
		log_warn("mount %s on %s: %s", type, dst, strerror(errno));
}

/*
 * The initramfs root ("rootfs") can be neither unmounted nor pivoted away
 * from, so pivot_root(2) in the container would fail with EINVAL. Like
 * switch_root, put a tmpfs over "/" and chroot into it: the agent's root is
 * then an ordinary mount and every later mount lives on it.
 */
static void leave_initramfs(void)
{
	if (mkdir("/.agent", 0755) < 0 && errno != EEXIST)
		return;
	if (mount("tmpfs", "/.agent", "tmpfs", MS_NOSUID, "mode=0755") < 0 || chdir("/.agent") < 0 ||
	    mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		log_warn("moving off the initramfs root: %s (pivot_root may fail)", strerror(errno));
}

static void boot_mounts(void)
{
	load_modules(); /* host-kernel fallback: from the initramfs, before we leave it */
	leave_initramfs();
	mnt("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	/* fds 0-2 are the kernel's /dev/console; keep using them for logs */
	mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mnt("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	/* devtmpfs' /dev/ptmx opens the devpts instance at /dev/pts */
	mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
	mnt("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mnt("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	mnt("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mnt("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, "nsdelegate");
	symlink("/proc/self/fd", "/dev/fd");
	if (cg_init_root() == 0)
		snprintf(A.cgroup_base, sizeof(A.cgroup_base), "/sys/fs/cgroup/cocoon");
}

static void loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP | IFF_RUNNING, ioctl(s, SIOCSIFFLAGS, &ifr) < 0))
		log_warn("bringing up lo: %s", strerror(errno));
	if (s >= 0)
		close(s);
}

/*
 * cocoon.probe=net:MAC,CIDR: the network bench's bare boot (bench/network). The NIC with
 * this MAC becomes eth0 with this address, then the guest idles: the kernel answers ping.
 */
static void probe_net(char *arg)
{
	char *comma = strchr(arg, ',');
	if (!comma) {
		log_warn("cocoon.probe=net:MAC,CIDR: no CIDR");
		agent_exit_or_reboot();
	}
	*comma = 0;
	char *addrs[] = {comma + 1, NULL};
	struct netif_spec n = {.name = "eth0", .mac = arg, .mtu = 1500, .addrs = addrs, .naddrs = 1};
	char err[256];
	if (netconf_apply(&n, 1, err, sizeof(err)) < 0) {
		log_warn("probe: %s", err);
		agent_exit_or_reboot();
	}
	static const char msg[] = "cocoon-agent: probe: eth0 up\n";
	ssize_t w = write(2, msg, sizeof(msg) - 1);
	(void)w;
	for (;;)
		pause();
}

/* cocoon.channel=, cocoon.debug= and cocoon.probe= from /proc/cmdline */
static void parse_cmdline(char *channel, size_t sz)
{
	int probe = 0;
	char buf[4096];
	if (read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return;
	for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
		if (!strncmp(tok, "cocoon.channel=", 15))
			snprintf(channel, sz, "%s", tok + 15);
		else if (!strcmp(tok, "cocoon.debug=1"))
			log_debug_enabled = 1;
		else if (!strcmp(tok, "cocoon.probe=1"))
			probe = 1;
		else if (!strncmp(tok, "cocoon.probe=net:", 17))
			probe_net(tok + 17);
	}
	if (probe) { /* the host only checks that the guest reaches init */
		static const char msg[] = "cocoon-agent: probe: init reached, powering off\n";
		ssize_t w = write(2, msg, sizeof(msg) - 1);
		(void)w;
		agent_exit_or_reboot();
	}
}

/* fds 0-2 must be open, or pipes created later would land on them. */
static void std_fds(const char *dev)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open(dev, O_RDWR) != fd)
			open("/dev/null", O_RDWR);
}

static void usage(void)
{
	fprintf(stderr, "usage: cocoon-agent [--channel unix:/path|vsock:PORT|hvc:/dev/hvcN|virtio]"
			" [--once] [--debug] [--cgroup DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char channel[256] = "virtio";
	int have_channel = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--channel") && i + 1 < argc) {
			snprintf(channel, sizeof(channel), "%s", argv[++i]);
			have_channel = 1;
		} else if (!strcmp(argv[i], "--once")) {
			A.once = 1;
		} else if (!strcmp(argv[i], "--debug")) {
			log_debug_enabled = 1;
		} else if (!strcmp(argv[i], "--cgroup") && i + 1 < argc) {
			snprintf(A.cgroup_base, sizeof(A.cgroup_base), "%s", argv[++i]);
		} else if (getpid() != 1) {
			usage(); /* as PID 1, ignore whatever the kernel passes on */
		}
	}
	A.pid1 = getpid() == 1 && !have_channel;
	if (!A.pid1 && !have_channel) {
		fprintf(stderr, "cocoon-agent: not PID 1: --channel unix:/path is required\n");
		usage();
	}

	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	int64_t t_start = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	std_fds("/dev/null");
	if (A.pid1) {
		boot_mounts();
		std_fds("/dev/console"); /* in case the initramfs had none */
		parse_cmdline(channel, sizeof(channel));
		loopback_up();
		reboot(RB_DISABLE_CAD); /* Ctrl-Alt-Del becomes SIGINT */
		struct timespec now;
		clock_gettime(CLOCK_BOOTTIME, &now);
		log_dbg("boot done at %lld ms since kernel start (agent started at %lld ms)",
			(long long)now.tv_sec * 1000 + now.tv_nsec / 1000000, (long long)t_start);
	}
	char buf[32];
	if (read_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) == 0)
		A.cap_last = atoi(buf);
	A.self_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || reaper_init() < 0) {
		log_err("event loop setup: %s", strerror(errno));
		agent_exit_or_reboot();
	}
	if (channel_open(channel) < 0) {
		if (!A.pid1)
			return 1;
		for (;;) { /* as init: keep reaping, the host will time out */
			sleep(1);
			reaper_reap();
		}
	}

	struct epoll_event ev[32];
	for (;;) {
		int timeout = -1;
		int64_t next = streams_next_deadline();
		if (A.shutdown_at && (!next || A.shutdown_at < next))
			next = A.shutdown_at;
		if (next) {
			int64_t d = next - now_ms();
			timeout = d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
		}
		int n = epoll_wait(epfd, ev, 32, timeout);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s: giving up", strerror(errno));
			agent_exit_or_reboot();
		}
		for (int i = 0; i < n; i++) {
			struct evsrc *src = ev[i].data.ptr;
			if (src->fd >= 0) /* closed by an earlier event of this batch */
				src->fn(src, ev[i].events);
		}
		if (channel_take_resume())
			streams_update_all();
		proc_gc();
		int64_t now = now_ms();
		streams_grace_check(now);
		if (A.shutdown_at && (now >= A.shutdown_at || !A.procs))
			shutdown_tick();
	}
}
