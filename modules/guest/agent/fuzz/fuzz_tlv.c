/*
 * fuzz_tlv.c - the TLV field walker of frame.c (tlv_next, tlv_check,
 * tlv_find, tlv_count, the typed accessors) on arbitrary bytes, nested
 * values included (every value is also walked as a TLV sequence, as the
 * agent does for ROOTFS, MOUNT, PROCESS and RLIMIT).
 *
 * Properties: the walk never reads outside the input (ASan); tlv_check is
 * 0 exactly when the fields cover the input to its last byte; tlv_find
 * returns the first field with the tag and tlv_count counts them; the
 * typed accessors accept exactly their lengths; the well-formed fields,
 * written again with the tbuf writer (flat and nested), give the same bytes.
 */
#include <stdint.h>
#include <string.h>

#include "frame.h"
#include "fuzz.h"

static void walk(const uint8_t *p, size_t n, int depth)
{
	struct tlv_iter it;
	uint16_t tag;
	const uint8_t *v;
	uint32_t len;
	size_t fields = 0, covered = 0;
	enum { KEEP = 64 };
	struct { uint16_t tag; const uint8_t *v; uint32_t len; } f[KEEP];
	int r;
	struct tbuf b;
	tb_init(&b);

	tlv_iter_init(&it, p, n);
	while ((r = tlv_next(&it, &tag, &v, &len)) == 1) {
		FUZZ_CHECK(v == p + covered + 6, "value at %p, not after its header", (const void *)v);
		FUZZ_CHECK(covered + 6 + (size_t)len <= n, "field of %u bytes overruns %zu", len, n);
		covered += 6 + (size_t)len;
		if (fields < KEEP) {
			f[fields].tag = tag;
			f[fields].v = v;
			f[fields].len = len;
		}
		fields++;

		uint32_t u32;
		uint64_t u64;
		FUZZ_CHECK((tlv_u32(v, len, &u32) == 0) == (len == 4), "tlv_u32 on %u bytes", len);
		FUZZ_CHECK((tlv_u64(v, len, &u64) == 0) == (len == 8), "tlv_u64 on %u bytes", len);
		FUZZ_CHECK((tlv_flag(v, len) == 0) == (len == 0), "tlv_flag on %u bytes", len);
		FUZZ_CHECK((tlv_str_ok(v, len) == 0) == (memchr(v, 0, len) == NULL), "tlv_str_ok");
		if (len == 4)
			FUZZ_CHECK(u32 == be32(v), "tlv_u32 value");
		if (len == 8)
			FUZZ_CHECK(u64 == be64(v), "tlv_u64 value");

		/* write it again: nested values through tb_begin/tb_end when they walk cleanly */
		if (depth < 3 && len > 0 && tlv_check(v, len) == 0) {
			size_t m = tb_begin(&b, tag);
			struct tlv_iter in;
			uint16_t t2;
			const uint8_t *v2;
			uint32_t l2;
			tlv_iter_init(&in, v, len);
			while (tlv_next(&in, &t2, &v2, &l2) == 1)
				tb_field(&b, t2, v2, l2);
			tb_end(&b, m);
			walk(v, len, depth + 1);
		} else {
			tb_field(&b, tag, v, len);
		}
	}
	FUZZ_CHECK(r == 0 || r == -1, "tlv_next returned %d", r);
	FUZZ_CHECK((r == 0) == (covered == n), "walk ended with %d at %zu of %zu", r, covered, n);
	FUZZ_CHECK(tlv_check(p, n) == r, "tlv_check disagrees with the walk");
	FUZZ_CHECK(tlv_next(&it, &tag, &v, &len) == r, "tlv_next is not sticky at the end");

	/* tlv_find / tlv_count against the recorded fields (all of them when there are few) */
	size_t kept = fields < KEEP ? fields : KEEP;
	for (size_t i = 0; i < kept && i < 8; i++) {
		size_t c = 0, firstj = kept;
		for (size_t j = 0; j < kept; j++)
			if (f[j].tag == f[i].tag && !c++)
				firstj = j;
		const uint8_t *fv;
		uint32_t fl;
		FUZZ_CHECK(tlv_find(p, n, f[i].tag, &fv, &fl) == 1, "tlv_find lost 0x%04x", f[i].tag);
		FUZZ_CHECK(fv == f[firstj].v && fl == f[firstj].len, "tlv_find of 0x%04x is not the first", f[i].tag);
		if (fields <= KEEP)
			FUZZ_CHECK(tlv_count(p, n, f[i].tag) == c, "tlv_count of 0x%04x", f[i].tag);
	}
	if (r == 0) {
		const uint8_t *fv;
		uint32_t fl;
		/* a tag that is not there: absent, or the count says so */
		uint16_t absent = (uint16_t)(fields ? f[0].tag + 1 : 7);
		size_t c = tlv_count(p, n, absent);
		FUZZ_CHECK((tlv_find(p, n, absent, &fv, &fl) == 1) == (c > 0), "tlv_find/tlv_count of 0x%04x", absent);
		FUZZ_CHECK(!b.oom, "writer out of memory");
		FUZZ_CHECK(b.len == n && (n == 0 || memcmp(b.data, p, n) == 0), "re-encoding differs (%zu vs %zu bytes)", b.len, n);
	}
	tb_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk(data, size, 0);
	return 0;
}
