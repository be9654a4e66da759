/*
 * frame.c - framing and TLV encoding of the agent protocol (see frame.h).
 *
 * Everything here is a pure function over byte buffers: the event loop owns
 * the I/O, this file only decides what the bytes mean. Malformed input never
 * reads out of bounds: every length is checked against what is available.
 */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include "proto.h"

uint16_t be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

uint64_t be64(const uint8_t *p) { return ((uint64_t)be32(p) << 32) | be32(p + 4); }

void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* Offset of the next possible frame start at or after 'from'. */
static size_t resync_point(const uint8_t *buf, size_t avail, size_t from)
{
	for (size_t i = from; i + 1 < avail; i++)
		if (buf[i] == FRAME_MAGIC0 && buf[i + 1] == FRAME_MAGIC1)
			return i;
	/* keep a trailing C0: it may be the first byte of the next magic */
	if (avail > from && buf[avail - 1] == FRAME_MAGIC0)
		return avail - 1;
	return avail;
}

enum frame_status frame_parse(const uint8_t *buf, size_t avail, struct frame *fr, size_t *consumed,
			      const char **why)
{
	*consumed = 0;
	if (avail == 0)
		return FRAME_NEED_MORE;
	if (buf[0] != FRAME_MAGIC0 || (avail >= 2 && buf[1] != FRAME_MAGIC1)) {
		if (why)
			*why = "bad magic";
		*consumed = resync_point(buf, avail, 1);
		return FRAME_BAD;
	}
	if (avail < FRAME_HDR_LEN)
		return FRAME_NEED_MORE;
	uint32_t len = be32(buf + 8);
	if (len > FRAME_MAX_PAYLOAD) {
		if (why)
			*why = "payload length over 4 MiB";
		*consumed = resync_point(buf, avail, 1);
		return FRAME_BAD;
	}
	if (avail - FRAME_HDR_LEN < len)
		return FRAME_NEED_MORE;
	fr->type = be16(buf + 2);
	fr->id = be32(buf + 4);
	fr->len = len;
	fr->payload = buf + FRAME_HDR_LEN;
	*consumed = FRAME_HDR_LEN + (size_t)len;
	return FRAME_OK;
}

void frame_put_header(uint8_t out[12], uint16_t type, uint32_t id, uint32_t len)
{
	out[0] = FRAME_MAGIC0;
	out[1] = FRAME_MAGIC1;
	put_be16(out + 2, type);
	put_be32(out + 4, id);
	put_be32(out + 8, len);
}

/* ---- TLV reading ---- */

void tlv_iter_init(struct tlv_iter *it, const uint8_t *p, size_t len)
{
	it->p = p;
	it->left = len;
}

int tlv_next(struct tlv_iter *it, uint16_t *tag, const uint8_t **val, uint32_t *len)
{
	if (it->left == 0)
		return 0;
	if (it->left < 6)
		return -1;
	uint32_t l = be32(it->p + 2);
	if (it->left - 6 < l)
		return -1;
	*tag = be16(it->p);
	*len = l;
	*val = it->p + 6;
	it->p += 6 + (size_t)l;
	it->left -= 6 + (size_t)l;
	return 1;
}

int tlv_check(const uint8_t *p, size_t len)
{
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t l;
	int r;
	tlv_iter_init(&it, p, len);
	while ((r = tlv_next(&it, &tag, &v, &l)) == 1)
		;
	return r;
}

int tlv_find(const uint8_t *p, size_t len, uint16_t tag, const uint8_t **val, uint32_t *vlen)
{
	struct tlv_iter it;
	uint16_t t;
	int r;
	tlv_iter_init(&it, p, len);
	while ((r = tlv_next(&it, &t, val, vlen)) == 1)
		if (t == tag)
			return 1;
	return r;
}

size_t tlv_count(const uint8_t *p, size_t len, uint16_t tag)
{
	struct tlv_iter it;
	uint16_t t;
	const uint8_t *v;
	uint32_t l;
	size_t n = 0;
	tlv_iter_init(&it, p, len);
	while (tlv_next(&it, &t, &v, &l) == 1)
		if (t == tag)
			n++;
	return n;
}

int tlv_u32(const uint8_t *v, uint32_t len, uint32_t *out)
{
	if (len != 4)
		return -1;
	*out = be32(v);
	return 0;
}

int tlv_u64(const uint8_t *v, uint32_t len, uint64_t *out)
{
	if (len != 8)
		return -1;
	*out = be64(v);
	return 0;
}

int tlv_flag(const uint8_t *v, uint32_t len)
{
	(void)v;
	return len == 0 ? 0 : -1;
}

int tlv_str_ok(const uint8_t *v, uint32_t len) { return memchr(v, 0, len) ? -1 : 0; }

/* ---- TLV / frame writing ---- */

void tb_init(struct tbuf *b) { memset(b, 0, sizeof(*b)); }

void tb_free(struct tbuf *b)
{
	free(b->data);
	tb_init(b);
}

void tb_reset(struct tbuf *b)
{
	b->len = 0;
	b->oom = 0;
}

static int tb_reserve(struct tbuf *b, size_t n)
{
	if (b->oom)
		return -1;
	if (b->cap - b->len >= n)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len < n)
		cap *= 2;
	uint8_t *d = realloc(b->data, cap);
	if (!d) {
		b->oom = 1;
		return -1;
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

void tb_raw(struct tbuf *b, const void *p, size_t n)
{
	if (n == 0 || tb_reserve(b, n) < 0)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void tb_field(struct tbuf *b, uint16_t tag, const void *p, size_t n)
{
	uint8_t h[6];
	put_be16(h, tag);
	put_be32(h + 2, (uint32_t)n);
	tb_raw(b, h, 6);
	tb_raw(b, p, n);
}

void tb_u32(struct tbuf *b, uint16_t tag, uint32_t v)
{
	uint8_t x[4];
	put_be32(x, v);
	tb_field(b, tag, x, 4);
}

void tb_u64(struct tbuf *b, uint16_t tag, uint64_t v)
{
	uint8_t x[8];
	put_be64(x, v);
	tb_field(b, tag, x, 8);
}

void tb_str(struct tbuf *b, uint16_t tag, const char *s) { tb_field(b, tag, s, strlen(s)); }

void tb_flag(struct tbuf *b, uint16_t tag) { tb_field(b, tag, NULL, 0); }

size_t tb_begin(struct tbuf *b, uint16_t tag)
{
	size_t mark = b->len;
	tb_field(b, tag, NULL, 0);
	return mark;
}

void tb_end(struct tbuf *b, size_t mark)
{
	if (b->oom || mark + 6 > b->len)
		return;
	put_be32(b->data + mark + 2, (uint32_t)(b->len - mark - 6));
}
