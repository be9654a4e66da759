/*
 * channel.c - the host channel: transports, reading frames, queued writes.
 *
 * Transports (chosen by cocoon.channel= or --channel):
 *   virtio  the virtio-serial port whose sysfs name is io.cocoon.agent. The
 *           fd stays open for the agent's life; read() == 0 means "no host
 *           connected" (virtio_console's rule), not end of file.
 *   hvc     a Xen PV console (a tty, switched to raw mode), same handling.
 *   vsock   listen on a vsock port, serve one connection at a time.
 *   unix    (host-test mode) listen on a unix socket path, one connection at
 *           a time; with --once the agent exits when it closes.
 *
 * The connection fd is non-blocking and edge triggered. Writes go through a
 * byte queue: channel_send() appends a frame and writes what the fd accepts,
 * EPOLLOUT drains the rest. Nothing here ever blocks the event loop; the
 * queue is bounded in practice because process output is only read while
 * the queue is below CHANNEL_HIGH_WATER (and within the host's credit).
 */
#define _GNU_SOURCE
#include "channel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"
#include "frame.h"
#include "log.h"
#include "proto.h"

#define INBUF_CAP (FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)

static struct {
	struct evsrc listen; /* vsock/unix listener, fd -1 otherwise */
	struct evsrc conn;   /* the connection / port, fd -1 when none */
	int persistent;      /* virtio/hvc: the fd is never closed */
	uint8_t *in;
	size_t inlen;
	uint8_t *out;
	size_t outhead, outlen, outcap;
	int over_high, resume;
	size_t resync_bytes;
} ch = {.listen = {.fd = -1}, .conn = {.fd = -1}};

static void conn_event(struct evsrc *src, uint32_t ev);
static void listen_event(struct evsrc *src, uint32_t ev);

size_t channel_queued(void) { return ch.outlen - ch.outhead; }

int channel_take_resume(void)
{
	int r = ch.resume;
	ch.resume = 0;
	return r;
}

static void host_gone(void)
{
	ch.inlen = 0;
	ch.outhead = ch.outlen = 0;
	log_set_host(0);
	if (ch.persistent)
		return;
	log_info("host connection closed");
	loop_set(&ch.conn, 0);
	close(ch.conn.fd);
	ch.conn.fd = -1;
	if (A.once) {
		log_info("--once: exiting");
		agent_exit_or_reboot();
	}
	loop_set(&ch.listen, EPOLLIN);
}

static void flush(void)
{
	while (ch.conn.fd >= 0 && ch.outhead < ch.outlen) {
		ssize_t n = write(ch.conn.fd, ch.out + ch.outhead, ch.outlen - ch.outhead);
		if (n > 0) {
			ch.outhead += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && !ch.persistent) {
			log_warn("write to host: %s", strerror(errno));
			host_gone();
		}
		break;
	}
	if (ch.outhead == ch.outlen)
		ch.outhead = ch.outlen = 0;
	if (ch.over_high && channel_queued() < CHANNEL_HIGH_WATER) {
		ch.over_high = 0;
		ch.resume = 1; /* the loop resumes the streams (no recursion from here) */
	}
}

void channel_send(uint16_t type, uint32_t id, const void *payload, size_t len)
{
	if (ch.conn.fd < 0)
		return; /* nobody to send to (listening, no connection) */
	size_t need = FRAME_HDR_LEN + len;
	if (ch.outhead > 0 && ch.outcap - ch.outlen < need) {
		memmove(ch.out, ch.out + ch.outhead, ch.outlen - ch.outhead);
		ch.outlen -= ch.outhead;
		ch.outhead = 0;
	}
	if (ch.outcap - ch.outlen < need) {
		size_t cap = ch.outcap ? ch.outcap : 65536;
		while (cap - ch.outlen < need)
			cap *= 2;
		uint8_t *n = realloc(ch.out, cap);
		if (!n) {
			log_err("out of memory queueing a frame of %zu bytes: dropped", len);
			return;
		}
		ch.out = n;
		ch.outcap = cap;
	}
	frame_put_header(ch.out + ch.outlen, type, id, (uint32_t)len);
	if (len)
		memcpy(ch.out + ch.outlen + FRAME_HDR_LEN, payload, len);
	ch.outlen += need;
	flush();
	if (channel_queued() >= CHANNEL_HIGH_WATER)
		ch.over_high = 1;
}

void channel_flush_blocking(int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	while (ch.conn.fd >= 0 && channel_queued() > 0) {
		int64_t left = end - now_ms();
		if (left <= 0)
			break;
		struct pollfd pf = {.fd = ch.conn.fd, .events = POLLOUT};
		poll(&pf, 1, (int)left);
		flush();
	}
}

static void parse_input(void)
{
	size_t off = 0;
	for (;;) {
		struct frame fr;
		size_t used;
		const char *why = NULL;
		enum frame_status st = frame_parse(ch.in + off, ch.inlen - off, &fr, &used, &why);
		if (st == FRAME_NEED_MORE)
			break;
		off += used;
		if (st == FRAME_BAD) {
			if (ch.resync_bytes == 0)
				log_warn("bad frame from host (%s): resynchronising", why);
			ch.resync_bytes += used;
			continue;
		}
		if (ch.resync_bytes) {
			log_warn("resynchronised after discarding %zu bytes", ch.resync_bytes);
			ch.resync_bytes = 0;
		}
		requests_handle(fr.type, fr.id, fr.payload, fr.len);
		if (ch.inlen == 0)
			return; /* the host went away while handling */
	}
	if (off) {
		memmove(ch.in, ch.in + off, ch.inlen - off);
		ch.inlen -= off;
	}
}

static void conn_event(struct evsrc *src, uint32_t ev)
{
	(void)src;
	if (ev & EPOLLOUT)
		flush();
	while (ch.conn.fd >= 0) {
		ssize_t n = read(ch.conn.fd, ch.in + ch.inlen, INBUF_CAP - ch.inlen);
		if (n > 0) {
			ch.inlen += (size_t)n;
			parse_input();
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			log_warn("read from host: %s", strerror(errno));
		if (ch.persistent && n == 0)
			log_dbg("host side of the channel not connected");
		host_gone();
		break;
	}
}

static void listen_event(struct evsrc *src, uint32_t ev)
{
	(void)ev;
	if (ch.conn.fd >= 0)
		return;
	int fd = accept4(src->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("accept: %s", strerror(errno));
		return;
	}
	ch.conn.fd = fd;
	ch.inlen = 0;
	loop_set(&ch.listen, 0); /* one connection at a time */
	loop_set(&ch.conn, EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP);
	log_dbg("host connected");
}

/* Finds /dev/vportNpM whose sysfs name is io.cocoon.agent. */
static int find_virtio_port(char *dev, size_t sz)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	if (!d)
		return -1;
	struct dirent *e;
	int found = -1;
	while ((e = readdir(d))) {
		char path[300], name[64];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", e->d_name);
		if (read_file(path, name, sizeof(name)) < 0)
			continue;
		name[strcspn(name, "\n")] = 0;
		if (!strcmp(name, "io.cocoon.agent")) {
			snprintf(dev, sz, "/dev/%s", e->d_name);
			found = 0;
			break;
		}
	}
	closedir(d);
	return found;
}

static int open_listener(int domain, const void *addr, socklen_t alen, const char *what)
{
	int fd = socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, addr, alen) < 0 || listen(fd, 4) < 0) {
		log_err("listen on %s: %s", what, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ch.listen.fd = fd;
	ch.listen.fn = listen_event;
	loop_set(&ch.listen, EPOLLIN);
	return 0;
}

int channel_open(const char *spec)
{
	ch.in = malloc(INBUF_CAP);
	if (!ch.in)
		return -1;
	ch.conn.fn = conn_event;
	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		if (strlen(spec + 5) >= sizeof(sa.sun_path)) {
			log_err("unix socket path too long: %s", spec + 5);
			return -1;
		}
		strcpy(sa.sun_path, spec + 5);
		unlink(sa.sun_path);
		return open_listener(AF_UNIX, &sa, sizeof(sa), spec);
	}
	if (!strncmp(spec, "vsock:", 6)) {
		struct sockaddr_vm sa = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY};
		sa.svm_port = (unsigned)strtoul(spec + 6, NULL, 10);
		return open_listener(AF_VSOCK, &sa, sizeof(sa), spec);
	}
	char dev[280];
	if (!strncmp(spec, "hvc:", 4)) {
		snprintf(dev, sizeof(dev), "%s", spec + 4);
	} else if (!strcmp(spec, "virtio")) {
		/* virtio probing is done by the time init runs, but be patient. */
		for (int i = 0; find_virtio_port(dev, sizeof(dev)) < 0; i++) {
			if (i % 500 == 499)
				log_warn("waiting for virtio-serial port io.cocoon.agent");
			usleep(10000);
		}
	} else {
		log_err("unknown channel '%s'", spec);
		return -1;
	}
	int fd;
	while ((fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		log_err("open %s: %s (retrying)", dev, strerror(errno));
		sleep(1);
	}
	struct termios t;
	if (tcgetattr(fd, &t) == 0) { /* hvc is a tty: no echo, no line editing */
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	ch.persistent = 1;
	ch.conn.fd = fd;
	loop_set(&ch.conn, EPOLLIN | EPOLLOUT | EPOLLET);
	log_dbg("channel %s open", dev);
	return 0;
}
