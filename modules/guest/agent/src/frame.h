/*
 * frame.h - framing and TLV encoding of the agent protocol.
 *
 * Pure functions only (no I/O, no globals) so that they can be unit tested
 * in isolation: frame header parsing with resynchronisation, a TLV field
 * walker with typed accessors, and a growable TLV/frame writer.
 */
#ifndef COCOON_FRAME_H
#define COCOON_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct frame {
	uint16_t type;
	uint32_t id;
	uint32_t len;
	const uint8_t *payload;
};

enum frame_status {
	FRAME_OK,        /* *fr filled, *consumed = header + payload */
	FRAME_NEED_MORE, /* not enough bytes yet; nothing consumed */
	FRAME_BAD,       /* bad magic or length: discard *consumed bytes */
};

/*
 * Looks at buf[0..avail). On FRAME_BAD, *consumed is the number of bytes to
 * drop so that the buffer then starts at the next C0 C0 (or at a lone C0 at
 * the very end, which may be the first half of a magic), as the protocol's
 * resynchronisation rule says. *why (may be NULL) names the problem.
 */
enum frame_status frame_parse(const uint8_t *buf, size_t avail, struct frame *fr, size_t *consumed,
			      const char **why);

void frame_put_header(uint8_t out[12], uint16_t type, uint32_t id, uint32_t len);

/* Big-endian helpers. */
uint16_t be16(const uint8_t *p);
uint32_t be32(const uint8_t *p);
uint64_t be64(const uint8_t *p);
void put_be16(uint8_t *p, uint16_t v);
void put_be32(uint8_t *p, uint32_t v);
void put_be64(uint8_t *p, uint64_t v);

/* ---- TLV reading ---- */
struct tlv_iter {
	const uint8_t *p;
	size_t left;
};

void tlv_iter_init(struct tlv_iter *it, const uint8_t *p, size_t len);
/* 1: a field was returned; 0: end; -1: truncated field (the walk stops). */
int tlv_next(struct tlv_iter *it, uint16_t *tag, const uint8_t **val, uint32_t *len);
/* 0 if the whole sequence is well formed, -1 if truncated. */
int tlv_check(const uint8_t *p, size_t len);
/* First field with this tag: 1 found, 0 absent, -1 malformed sequence. */
int tlv_find(const uint8_t *p, size_t len, uint16_t tag, const uint8_t **val, uint32_t *vlen);
/* Number of fields with this tag (sequence must be well formed). */
size_t tlv_count(const uint8_t *p, size_t len, uint16_t tag);

/* Typed value decoding; each returns -1 on a wrong length / embedded NUL. */
int tlv_u32(const uint8_t *v, uint32_t len, uint32_t *out);
int tlv_u64(const uint8_t *v, uint32_t len, uint64_t *out);
int tlv_flag(const uint8_t *v, uint32_t len);
int tlv_str_ok(const uint8_t *v, uint32_t len);

/* ---- TLV / frame writing ---- */
struct tbuf {
	uint8_t *data;
	size_t len, cap;
	int oom; /* set when an allocation failed; the content is then unusable */
};

void tb_init(struct tbuf *b);
void tb_free(struct tbuf *b);
void tb_reset(struct tbuf *b);
void tb_raw(struct tbuf *b, const void *p, size_t n);
void tb_field(struct tbuf *b, uint16_t tag, const void *p, size_t n);
void tb_u32(struct tbuf *b, uint16_t tag, uint32_t v);
void tb_u64(struct tbuf *b, uint16_t tag, uint64_t v);
void tb_str(struct tbuf *b, uint16_t tag, const char *s);
void tb_flag(struct tbuf *b, uint16_t tag);
/* Nested TLV: begin returns a mark, end patches the length. */
size_t tb_begin(struct tbuf *b, uint16_t tag);
void tb_end(struct tbuf *b, size_t mark);

#endif
