/*
 * streams.c - stdio relay between processes and the host, with credit-based
 * flow control (protocol "Flow control" and "Ordering guarantees").
 *
 * Output: each stream starts with a window of OUTPUT_WINDOW bytes; its pipe
 * (or pty master) is polled only while the window is positive and the
 * channel's queue is below its high-water mark, so a host that stops
 * reading one process stalls only that process (on a full pipe).
 * Input: the host may send at most the STDIN credit granted; accepted bytes
 * wait in a per-process buffer (never more than STDIN_WINDOW) and every
 * byte written into the pipe is granted again with STDIN_CREDIT.
 * End: after a process is reaped its streams get EOF_GRACE_MS to reach end
 * of file (a background child may hold them open); then whatever is in the
 * pipe is still delivered (as credit allows), the stream ends at the next
 * "nothing to read", and EXIT follows the end-of-stream frames.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"
#include "channel.h"
#include "frame.h"
#include "log.h"
#include "proto.h"

#define READ_CHUNK 65536
#define READS_PER_EVENT 4

static uint8_t rbuf[READ_CHUNK];

static void stdin_flush(struct proc *p);
static void stream_read(struct proc *p, int i);

static int stdin_fd(struct proc *p) { return p->terminal ? p->out[0].ev.fd : p->in.fd; }

void streams_update(struct proc *p)
{
	if (p->dead)
		return;
	int room = channel_queued() < CHANNEL_HIGH_WATER;
	uint32_t want[2];
	for (int i = 0; i < 2; i++)
		want[i] = p->out[i].open && p->out[i].window > 0 && room ? EPOLLIN : 0;
	uint32_t wout = p->inlen > 0 ? EPOLLOUT : 0;
	if (p->terminal) {
		loop_set(&p->out[0].ev, want[0] | wout);
	} else {
		loop_set(&p->out[0].ev, want[0]);
		loop_set(&p->out[1].ev, want[1]);
		loop_set(&p->in, wout);
	}
}

/* The channel queue fell below its high-water mark: resume reading. */
void streams_update_all(void)
{
	for (struct proc *p = A.procs; p; p = p->next) {
		if (p->dead || (p->state != P_CREATED && p->state != P_RUNNING))
			continue;
		for (int i = 0; i < 2 && !p->dead; i++)
			if (p->out[i].open && p->out[i].closing && p->out[i].window > 0)
				stream_read(p, i); /* epoll says nothing about an empty pipe */
		streams_update(p);
	}
}

void proc_maybe_finish(struct proc *p)
{
	if (p->dead || !p->reaped || p->out[0].open || p->out[1].open)
		return;
	struct tbuf b;
	tb_init(&b);
	if (WIFSIGNALED(p->wstatus))
		tb_u32(&b, TAG_SIGNAL, (uint32_t)WTERMSIG(p->wstatus));
	else
		tb_u32(&b, TAG_EXIT_CODE, (uint32_t)WEXITSTATUS(p->wstatus));
	channel_send(MSG_EXIT, p->id, b.data, b.len);
	tb_free(&b);
	log_dbg("process %u exited (status 0x%x)", p->id, p->wstatus);
	if (IS_INIT(p->id) && CTR_OF(p->id) != 0)
		ctr_init_gone(CTR_OF(p->id)); /* a pod member: its slot and cgroup go with it */
	proc_free(p);
}

static void stdin_done(struct proc *p)
{
	p->in_done = 1;
	p->inlen = 0;
	if (!p->terminal && p->in.fd >= 0) {
		loop_set(&p->in, 0);
		close(p->in.fd);
		p->in.fd = -1;
	}
}

static void stream_end(struct proc *p, int i)
{
	struct ostream *s = &p->out[i];
	if (!s->open)
		return;
	loop_set(&s->ev, 0);
	close(s->ev.fd);
	s->ev.fd = -1;
	s->open = 0;
	if (p->terminal)
		stdin_done(p); /* the master was stdin too */
	channel_send(i ? MSG_STDERR : MSG_STDOUT, p->id, NULL, 0);
	proc_maybe_finish(p);
}

static void stream_read(struct proc *p, int i)
{
	struct ostream *s = &p->out[i];
	for (int k = 0; k < READS_PER_EVENT && s->open && s->window > 0; k++) {
		if (channel_queued() >= CHANNEL_HIGH_WATER)
			break;
		size_t want = s->window < READ_CHUNK ? (size_t)s->window : READ_CHUNK;
		ssize_t n = read(s->ev.fd, rbuf, want);
		if (n > 0) {
			s->window -= n;
			channel_send(i ? MSG_STDERR : MSG_STDOUT, p->id, rbuf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (s->closing)
				stream_end(p, i);
			break;
		}
		/* 0 = EOF; EIO = pty whose slave side is closed everywhere */
		if (n < 0 && errno != EIO)
			log_warn("reading output of process %u: %s", p->id, strerror(errno));
		stream_end(p, i);
		break;
	}
}

static void out_event(struct evsrc *src, uint32_t ev)
{
	struct ostream *s = (struct ostream *)src;
	struct proc *p = s->owner;
	int i = s == &p->out[1];
	if (p->terminal && (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && p->inlen)
		stdin_flush(p);
	if (s->open && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		stream_read(p, i);
	streams_update(p);
}

static void in_event(struct evsrc *src, uint32_t ev)
{
	(void)ev;
	struct proc *p = (struct proc *)((char *)src - offsetof(struct proc, in));
	stdin_flush(p);
	streams_update(p);
}

void streams_register(struct proc *p)
{
	for (int i = 0; i < 2; i++) {
		p->out[i].owner = p;
		p->out[i].ev.fn = out_event;
		p->out[i].open = p->out[i].ev.fd >= 0;
		p->out[i].window = OUTPUT_WINDOW;
	}
	p->in.fn = in_event;
	if (p->has_stdin && (p->terminal || p->in.fd >= 0)) {
		p->inbuf = malloc(STDIN_WINDOW);
		p->in_grant = STDIN_WINDOW;
		struct tbuf b;
		tb_init(&b);
		tb_u32(&b, TAG_BYTES, STDIN_WINDOW);
		channel_send(MSG_STDIN_CREDIT, p->id, b.data, b.len);
		tb_free(&b);
	} else {
		p->in_done = 1;
	}
	streams_update(p);
}

/* After CLOSE_STDIN, once everything accepted has been written. */
static void stdin_finish(struct proc *p)
{
	if (p->terminal && p->out[0].ev.fd >= 0) {
		/* a pty cannot be half-closed: send the EOF character instead */
		struct termios t;
		char eof = tcgetattr(p->out[0].ev.fd, &t) == 0 ? (char)t.c_cc[VEOF] : 4;
		ssize_t w = write(p->out[0].ev.fd, &eof, 1);
		(void)w;
	}
	stdin_done(p);
}

static void stdin_flush(struct proc *p)
{
	int fd = stdin_fd(p);
	size_t written = 0;
	while (p->inlen > 0 && fd >= 0) {
		ssize_t n = write(fd, p->inbuf, p->inlen);
		if (n > 0) {
			memmove(p->inbuf, p->inbuf + n, p->inlen - (size_t)n);
			p->inlen -= (size_t)n;
			written += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		log_dbg("stdin of process %u closed: %s", p->id, strerror(errno));
		stdin_done(p); /* reader gone (EPIPE/EIO): drop the rest */
		return;
	}
	if (written) {
		p->in_grant += (int64_t)written;
		struct tbuf b;
		tb_init(&b);
		tb_u32(&b, TAG_BYTES, (uint32_t)written);
		channel_send(MSG_STDIN_CREDIT, p->id, b.data, b.len);
		tb_free(&b);
	}
	if (p->inlen == 0 && p->in_close && !p->in_done)
		stdin_finish(p);
}

void streams_stdin(struct proc *p, const uint8_t *data, uint32_t len)
{
	if (p->in_done || p->in_close || !p->inbuf) {
		log_dbg("STDIN for process %u dropped: its stdin is closed", p->id);
		return;
	}
	if ((int64_t)len > p->in_grant) {
		log_warn("STDIN for process %u beyond its credit: %lld bytes dropped", p->id,
			 (long long)(len - p->in_grant));
		len = (uint32_t)p->in_grant;
	}
	memcpy(p->inbuf + p->inlen, data, len);
	p->inlen += len;
	p->in_grant -= len;
	stdin_flush(p);
	streams_update(p);
}

void streams_close_stdin(struct proc *p)
{
	if (p->in_done || p->in_close)
		return;
	p->in_close = 1;
	if (p->inlen == 0)
		stdin_finish(p);
	streams_update(p);
}

void streams_reattach(struct proc *p)
{
	for (int i = 0; i < 2; i++)
		if (p->out[i].open)
			p->out[i].window = OUTPUT_WINDOW;
	if (!p->in_done && p->inbuf) {
		p->in_grant = STDIN_WINDOW - (int64_t)p->inlen;
		struct tbuf b;
		tb_init(&b);
		tb_u32(&b, TAG_BYTES, (uint32_t)p->in_grant);
		channel_send(MSG_STDIN_CREDIT, p->id, b.data, b.len);
		tb_free(&b);
	}
	streams_update(p);
}

void streams_credit(struct proc *p, uint32_t stream, uint32_t bytes)
{
	struct ostream *s = &p->out[stream - 1];
	if (!s->open)
		return;
	if (s->window < ((int64_t)1 << 40))
		s->window += bytes;
	streams_update(p);
	if (s->closing && s->window > 0)
		stream_read(p, (int)stream - 1); /* may end it at once (EAGAIN) */
}

void streams_on_reaped(struct proc *p)
{
	stdin_done(p);
	if (p->out[0].open || p->out[1].open)
		p->grace_deadline = now_ms() + EOF_GRACE_MS;
	proc_maybe_finish(p);
}

void streams_grace_check(int64_t now)
{
	for (struct proc *p = A.procs; p; p = p->next) {
		if (p->dead || !p->grace_deadline || now < p->grace_deadline)
			continue;
		p->grace_deadline = 0;
		for (int i = 0; i < 2 && !p->dead; i++) {
			if (!p->out[i].open)
				continue;
			p->out[i].closing = 1;
			if (p->out[i].window > 0)
				stream_read(p, i);
		}
		if (!p->dead)
			streams_update(p);
	}
}

int64_t streams_next_deadline(void)
{
	int64_t next = 0;
	for (struct proc *p = A.procs; p; p = p->next)
		if (!p->dead && p->grace_deadline && (!next || p->grace_deadline < next))
			next = p->grace_deadline;
	return next;
}
