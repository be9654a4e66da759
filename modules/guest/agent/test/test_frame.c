/*
 * test_frame.c - unit tests of frame.c: frame parsing incl. malformed input
 * (truncated, bad magic + resync, oversized length), TLV walking, typed
 * accessors (wrong sizes), unknown tags, and the writer round trip.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "proto.h"
#include "test.h"

static size_t mk_frame(uint8_t *out, uint16_t type, uint32_t id, const void *p, uint32_t len)
{
	frame_put_header(out, type, id, len);
	if (len)
		memcpy(out + 12, p, len);
	return 12 + (size_t)len;
}

static void test_parse_ok(void)
{
	uint8_t buf[64];
	size_t n = mk_frame(buf, MSG_PING, 0x01020304, "abc", 3);
	struct frame fr;
	size_t used;
	CHECK(n == 15);
	CHECK(buf[0] == 0xC0 && buf[1] == 0xC0 && buf[2] == 0 && buf[3] == 0x0B);
	CHECK(frame_parse(buf, n, &fr, &used, NULL) == FRAME_OK);
	CHECK(used == 15 && fr.type == MSG_PING && fr.id == 0x01020304 && fr.len == 3);
	CHECK(memcmp(fr.payload, "abc", 3) == 0);
	/* every truncation needs more */
	for (size_t k = 0; k < n; k++)
		CHECK(frame_parse(buf, k, &fr, &used, NULL) == FRAME_NEED_MORE && used == 0);
	/* empty payload */
	n = mk_frame(buf, MSG_STDOUT, 7, NULL, 0);
	CHECK(frame_parse(buf, n, &fr, &used, NULL) == FRAME_OK && used == 12 && fr.len == 0);
	/* two frames back to back: the first is consumed alone */
	size_t a = mk_frame(buf, 1, 1, "x", 1);
	mk_frame(buf + a, 2, 2, "yy", 2);
	CHECK(frame_parse(buf, sizeof(buf), &fr, &used, NULL) == FRAME_OK && used == 13 && fr.type == 1);
	CHECK(frame_parse(buf + used, 14, &fr, &used, NULL) == FRAME_OK && fr.type == 2 && fr.len == 2);
}

static void test_resync(void)
{
	uint8_t buf[64];
	struct frame fr;
	size_t used;
	const char *why = NULL;
	/* garbage, then a valid frame */
	memcpy(buf, "garbage!", 8);
	size_t n = 8 + mk_frame(buf + 8, MSG_PING, 9, NULL, 0);
	CHECK(frame_parse(buf, n, &fr, &used, &why) == FRAME_BAD);
	CHECK(used == 8 && why && strstr(why, "magic"));
	CHECK(frame_parse(buf + used, n - used, &fr, &used, NULL) == FRAME_OK && fr.id == 9);
	/* a lone C0 then a non-C0: skip the lone one, continue scanning */
	uint8_t b2[] = {0xC0, 0x11, 0xC0, 0xC0, 0, 0xB, 0, 0, 0, 5, 0, 0, 0, 0};
	CHECK(frame_parse(b2, sizeof(b2), &fr, &used, NULL) == FRAME_BAD && used == 2);
	CHECK(frame_parse(b2 + 2, sizeof(b2) - 2, &fr, &used, NULL) == FRAME_OK && fr.id == 5);
	/* garbage ending in C0: keep that byte, it may start a magic */
	uint8_t b3[] = {1, 2, 3, 0xC0};
	CHECK(frame_parse(b3, 4, &fr, &used, NULL) == FRAME_BAD && used == 3);
	CHECK(frame_parse(b3 + 3, 1, &fr, &used, NULL) == FRAME_NEED_MORE);
	/* garbage without any C0: all of it goes */
	CHECK(frame_parse((const uint8_t *)"hello", 5, &fr, &used, NULL) == FRAME_BAD && used == 5);
	/* a single wrong byte is bad at once */
	uint8_t one = 0x00;
	CHECK(frame_parse(&one, 1, &fr, &used, NULL) == FRAME_BAD && used == 1);
}

static void test_oversized(void)
{
	uint8_t buf[40];
	struct frame fr;
	size_t used;
	const char *why = NULL;
	frame_put_header(buf, MSG_PING, 1, FRAME_MAX_PAYLOAD + 1);
	size_t n = 12 + mk_frame(buf + 12, MSG_PING, 2, NULL, 0);
	CHECK(frame_parse(buf, n, &fr, &used, &why) == FRAME_BAD && why && strstr(why, "4 MiB"));
	CHECK(used == 12); /* the next C0 C0 is the following frame */
	CHECK(frame_parse(buf + used, n - used, &fr, &used, NULL) == FRAME_OK && fr.id == 2);
	/* exactly the maximum is allowed (needs more data) */
	frame_put_header(buf, MSG_PING, 1, FRAME_MAX_PAYLOAD);
	CHECK(frame_parse(buf, 12, &fr, &used, NULL) == FRAME_NEED_MORE);
	/* 0xFFFFFFFF length must not overflow anything */
	frame_put_header(buf, MSG_PING, 1, 0xFFFFFFFFu);
	CHECK(frame_parse(buf, 12, &fr, &used, NULL) == FRAME_BAD);
}

static void test_tlv(void)
{
	struct tbuf b;
	tb_init(&b);
	tb_u32(&b, TAG_VERSION, 1);
	tb_str(&b, TAG_AGENT_VERSION, "0.1.0");
	tb_u64(&b, TAG_BOOT_MS, 0x0102030405060708ULL);
	tb_flag(&b, TAG_ALL);
	tb_u32(&b, 0x7777, 42); /* unknown tag */
	size_t m = tb_begin(&b, TAG_PROC);
	tb_u32(&b, TAG_PID, 5);
	tb_str(&b, TAG_CMD, "sh");
	tb_end(&b, m);
	tb_str(&b, TAG_P_ARG, "a");
	tb_str(&b, TAG_P_ARG, "b");
	CHECK(!b.oom);
	CHECK(tlv_check(b.data, b.len) == 0);
	CHECK(tlv_count(b.data, b.len, TAG_P_ARG) == 2);
	CHECK(tlv_count(b.data, b.len, 0x1234) == 0);

	const uint8_t *v;
	uint32_t len, u32;
	uint64_t u64;
	CHECK(tlv_find(b.data, b.len, TAG_VERSION, &v, &len) == 1 && tlv_u32(v, len, &u32) == 0 && u32 == 1);
	CHECK(tlv_find(b.data, b.len, TAG_BOOT_MS, &v, &len) == 1 && tlv_u64(v, len, &u64) == 0 &&
	      u64 == 0x0102030405060708ULL);
	/* wrong sizes */
	CHECK(tlv_u64(v, 4, &u64) < 0);
	CHECK(tlv_find(b.data, b.len, TAG_VERSION, &v, &len) == 1 && tlv_u64(v, len, &u64) < 0);
	CHECK(tlv_find(b.data, b.len, TAG_AGENT_VERSION, &v, &len) == 1 && tlv_u32(v, len, &u32) < 0);
	CHECK(tlv_find(b.data, b.len, TAG_ALL, &v, &len) == 1 && tlv_flag(v, len) == 0);
	CHECK(tlv_flag(v, 1) < 0);
	CHECK(tlv_find(b.data, b.len, 0x4242, &v, &len) == 0);
	/* nested */
	CHECK(tlv_find(b.data, b.len, TAG_PROC, &v, &len) == 1 && len == 6 + 4 + 6 + 2);
	const uint8_t *v2;
	uint32_t l2;
	CHECK(tlv_find(v, len, TAG_CMD, &v2, &l2) == 1 && l2 == 2 && !memcmp(v2, "sh", 2));
	/* strings with NUL */
	CHECK(tlv_str_ok((const uint8_t *)"a\0b", 3) < 0);
	CHECK(tlv_str_ok((const uint8_t *)"ab", 2) == 0);

	/* every truncation of the sequence is detected (or is a clean prefix) */
	for (size_t k = 0; k < b.len; k++) {
		int r = tlv_check(b.data, k);
		struct tlv_iter it;
		uint16_t tag;
		size_t ends = 0;
		tlv_iter_init(&it, b.data, b.len);
		/* clean prefix iff k is at a field boundary */
		int boundary = k == 0;
		while (tlv_next(&it, &tag, &v, &len) == 1) {
			ends = b.len - it.left;
			if (ends == k)
				boundary = 1;
		}
		(void)ends;
		CHECK(r == (boundary ? 0 : -1));
	}
	/* field length larger than what is left */
	uint8_t bad[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 1, 2, 3};
	CHECK(tlv_check(bad, sizeof(bad)) < 0);
	CHECK(tlv_find(bad, sizeof(bad), 0x0001, &v, &len) < 0);
	uint8_t huge[] = {0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF};
	CHECK(tlv_check(huge, sizeof(huge)) < 0);
	tb_free(&b);
}

static void test_endian(void)
{
	uint8_t x[8];
	put_be32(x, 0xDEADBEEF);
	CHECK(x[0] == 0xDE && x[3] == 0xEF && be32(x) == 0xDEADBEEF);
	put_be64(x, 0x1122334455667788ULL);
	CHECK(x[0] == 0x11 && x[7] == 0x88 && be64(x) == 0x1122334455667788ULL);
	put_be16(x, 0xC0C0);
	CHECK(be16(x) == 0xC0C0);
}

int main(void)
{
	test_parse_ok();
	test_resync();
	test_oversized();
	test_tlv();
	test_endian();
	TEST_MAIN_END();
}
