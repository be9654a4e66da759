/*
 * fuzz_frame.c - reading frames from the host's byte stream: frame_parse
 * (frame.c) and the input side of channel.c (conn_event -> parse_input:
 * buffering, resynchronisation after bad magic or an oversized length,
 * partial headers and payloads across reads).
 *
 * channel.c is compiled into this harness; its connection is one end of a
 * socketpair. The first input byte seeds how the rest (the stream) is cut
 * into writes; after each write conn_event() runs as the event loop would.
 *
 * Properties: frame_parse keeps its contract on every buffer (NEED_MORE
 * consumes nothing, BAD drops at least one byte and stops at the next
 * C0 C0 or a trailing C0, OK consumes header + payload); the frames
 * channel.c hands to requests_handle are exactly those of parsing the whole
 * stream at once, whatever the cut, with the same payload bytes; and what
 * stays buffered is the unparsed tail.
 */
#include "../src/channel.c"

#include "fuzz.h"

struct agent A;
int log_debug_enabled;

void loop_set(struct evsrc *src, uint32_t events) { src->events = events; }
int64_t now_ms(void) { return 0; }
void agent_exit_or_reboot(void) { FUZZ_CHECK(0, "agent_exit_or_reboot"); abort(); }
int read_file(const char *path, char *buf, size_t sz)
{
	(void)path;
	(void)buf;
	(void)sz;
	return -1;
}
void log_set_host(int connected) { (void)connected; }
void logm(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

#define MAXF 4096
struct rec {
	uint16_t type;
	uint32_t id, len;
	const uint8_t *payload;
};
static struct rec want[MAXF], got[MAXF];
static size_t nwant, ngot;

void requests_handle(uint16_t type, uint32_t id, const uint8_t *p, uint32_t len)
{
	FUZZ_CHECK(len == 0 || (p >= ch.in && p + len <= ch.in + ch.inlen), "payload outside the input buffer");
	if (ngot < MAXF) {
		/* the buffer moves on: keep a copy of the payload */
		uint8_t *c = malloc(len ? len : 1);
		memcpy(c, p, len);
		got[ngot] = (struct rec){type, id, len, c};
	}
	ngot++;
}

/* The whole stream at once, checking frame_parse's contract on every step. */
static size_t parse_all(const uint8_t *s, size_t n)
{
	size_t off = 0;
	nwant = 0;
	for (;;) {
		struct frame fr;
		size_t used = 12345;
		const char *why = NULL;
		enum frame_status st = frame_parse(s + off, n - off, &fr, &used, &why);
		size_t avail = n - off;
		if (st == FRAME_NEED_MORE) {
			FUZZ_CHECK(used == 0, "NEED_MORE consumed %zu", used);
			FUZZ_CHECK(avail < FRAME_HDR_LEN || be32(s + off + 8) <= FRAME_MAX_PAYLOAD, "NEED_MORE on a bad length");
			return off;
		}
		FUZZ_CHECK(used >= 1 && used <= avail, "consumed %zu of %zu", used, avail);
		if (st == FRAME_BAD) {
			FUZZ_CHECK(why != NULL, "BAD without a reason");
			const uint8_t *r = s + off + used;
			size_t left = avail - used;
			FUZZ_CHECK(left == 0 || (left == 1 && r[0] == FRAME_MAGIC0) ||
					   (r[0] == FRAME_MAGIC0 && r[1] == FRAME_MAGIC1),
				   "resynchronised to %02x", r[0]);
			/* and nothing skipped was a magic */
			for (size_t i = 1; i + 1 < used; i++)
				FUZZ_CHECK(!(s[off + i] == FRAME_MAGIC0 && s[off + i + 1] == FRAME_MAGIC1),
					   "skipped a magic at %zu", off + i);
		} else {
			FUZZ_CHECK(st == FRAME_OK, "status %d", (int)st);
			FUZZ_CHECK(s[off] == FRAME_MAGIC0 && s[off + 1] == FRAME_MAGIC1, "OK without magic");
			FUZZ_CHECK(fr.len <= FRAME_MAX_PAYLOAD && used == FRAME_HDR_LEN + (size_t)fr.len, "OK length");
			FUZZ_CHECK(fr.payload == s + off + FRAME_HDR_LEN, "payload pointer");
			FUZZ_CHECK(fr.type == be16(s + off + 2) && fr.id == be32(s + off + 4), "header fields");
			if (nwant < MAXF)
				want[nwant] = (struct rec){fr.type, fr.id, fr.len, fr.payload};
			nwant++;
		}
		off += used;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint32_t seed = data[0] * 2654435761u + 1;
	const uint8_t *s = data + 1;
	size_t n = size - 1;
	size_t consumed = parse_all(s, n);

	int sv[2];
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	FUZZ_CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0, "nonblock");
	if (!ch.in)
		ch.in = malloc(INBUF_CAP);
	ch.inlen = 0;
	ch.resync_bytes = 0;
	ch.persistent = 1; /* read() == 0 is "no host", as for virtio: nothing is closed */
	ch.conn.fd = sv[0];
	ch.conn.fn = conn_event;
	ngot = 0;
	for (size_t off = 0; off < n;) {
		seed = seed * 1103515245u + 12345u;
		size_t chunk = 1 + (seed >> 16) % (seed & 0x100 ? 16 : 700);
		if (chunk > n - off)
			chunk = n - off;
		ssize_t w = write(sv[1], s + off, chunk);
		FUZZ_CHECK(w > 0, "write: %s", strerror(errno));
		off += (size_t)w;
		conn_event(&ch.conn, EPOLLIN);
	}
	close(sv[1]);
	close(sv[0]);
	ch.conn.fd = -1;

	FUZZ_CHECK(ngot == nwant, "%zu frames read in pieces, %zu at once", ngot, nwant);
	for (size_t i = 0; i < ngot && i < MAXF; i++) {
		FUZZ_CHECK(got[i].type == want[i].type && got[i].id == want[i].id && got[i].len == want[i].len,
			   "frame %zu differs", i);
		FUZZ_CHECK(!memcmp(got[i].payload, want[i].payload, got[i].len), "payload of frame %zu differs", i);
		free((void *)got[i].payload);
	}
	FUZZ_CHECK(ch.inlen == n - consumed, "%zu bytes left buffered, %zu unparsed", ch.inlen, n - consumed);
	FUZZ_CHECK(ch.inlen == 0 || !memcmp(ch.in, s + consumed, ch.inlen), "buffered tail differs");
	return 0;
}
