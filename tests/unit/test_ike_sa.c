// SPDX-License-Identifier: LGPL-2.1-or-later
/* SA payload parser: proposals, transforms and attributes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ike.h"

/*
 * Two proposals.  Byte offsets used below: proposal 1 at 0 (more 0,
 * length 2..3, number 4, protocol 5, SPI size 6, count 7) with transforms
 * at 8, 20 and 28; proposal 2 at 36 (number 40, SPI 44..47) with one
 * transform at 48.
 */
/* clang-format off */
static const uint8_t sa_body[] = {
	/* proposal 1: IKE, no SPI, 3 transforms */
	0x02, 0x00, 0x00, 0x24, 0x01, 0x01, 0x00, 0x03,
	/* ENCR AES-CBC (12), key length 128 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x0c, 0x80, 0x0e, 0x00, 0x80,
	/* PRF HMAC-SHA2-256 (5) */
	0x03, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x05,
	/* D-H group 14 */
	0x00, 0x00, 0x00, 0x08, 0x04, 0x00, 0x00, 0x0e,
	/* proposal 2: ESP, 4-byte SPI, 1 transform */
	0x00, 0x00, 0x00, 0x14, 0x02, 0x03, 0x04, 0x01, 0xaa, 0xbb, 0xcc, 0xdd,
	/* ENCR AES-GCM-16 (20) */
	0x00, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x14,
};
/* clang-format on */

static struct ike_sa_payload sa;

static int parse_patched(size_t offset, uint8_t value)
{
	uint8_t body[sizeof(sa_body)];

	memcpy(body, sa_body, sizeof(body));
	body[offset] = value;
	return ike_parse_sa(body, sizeof(body), &sa);
}

static void sa_parses_proposals(void **state)
{
	const struct ike_proposal *p;

	assert_int_equal(ike_parse_sa(sa_body, sizeof(sa_body), &sa), 0);
	assert_int_equal(sa.n_proposals, 2);

	p = &sa.proposals[0];
	assert_int_equal(p->num, 1);
	assert_int_equal(p->protocol, PROTO_IKE);
	assert_int_equal(p->spi_len, 0);
	assert_int_equal(p->n_transforms, 3);
	assert_int_equal(p->transforms[0].type, 1);
	assert_int_equal(p->transforms[0].id, 12);
	assert_int_equal(p->transforms[0].key_bits, 128);
	assert_int_equal(p->transforms[1].type, 2);
	assert_int_equal(p->transforms[1].id, 5);
	assert_int_equal(p->transforms[1].key_bits, 0);
	assert_int_equal(p->transforms[2].type, 4);
	assert_int_equal(p->transforms[2].id, 14);

	p = &sa.proposals[1];
	assert_int_equal(p->num, 2);
	assert_int_equal(p->protocol, PROTO_ESP);
	assert_int_equal(p->spi_len, 4);
	assert_memory_equal(p->spi, "\xaa\xbb\xcc\xdd", 4);
	assert_int_equal(p->n_transforms, 1);
	assert_int_equal(p->transforms[0].id, 20);
}

struct patch_case {
	const char *what;
	size_t offset;
	uint8_t value;
};

static void sa_rejects_malformed(void **state)
{
	static const struct patch_case cases[] = {
	        {"proposal more field 1", 0, 1},
	        {"first proposal marked last", 0, 0},
	        {"last proposal marked more", 36, 2},
	        {"transform more field 2", 8, 2},
	        {"middle transform marked last", 8, 0},
	        {"last transform marked more", 28, 3},
	        {"count above transforms found", 7, 4},
	        {"count below transforms found", 7, 2},
	        {"first number 0", 4, 0},
	        {"number repeated", 40, 1},
	        {"number skipped", 40, 3},
	        {"unknown protocol", 5, 9},
	        {"proposal length below 8", 3, 7},
	        {"proposal length past end", 39, 0x18},
	        {"transform length below 8", 11, 7},
	        {"transform length past proposal", 51, 0x0c},
	        {"key length of 0", 19, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = parse_patched(cases[i].offset, cases[i].value);

		if (err != -EBADMSG)
			fail_msg("%s: expected -EBADMSG, got %d", cases[i].what,
			         err);
	}
}

/* A response echoes the number of the proposal it accepted. */
static void sa_accepts_numbers_from_2(void **state)
{
	uint8_t body[sizeof(sa_body)];

	memcpy(body, sa_body, sizeof(body));
	body[4] = 2;
	body[40] = 3;
	assert_int_equal(ike_parse_sa(body, sizeof(body), &sa), 0);
	assert_int_equal(sa.proposals[0].num, 2);
	assert_int_equal(sa.proposals[1].num, 3);
	body[40] = 2;
	assert_int_equal(ike_parse_sa(body, sizeof(body), &sa), -EBADMSG);
}

static void sa_rejects_empty_payload(void **state)
{
	assert_int_equal(ike_parse_sa(sa_body, 0, &sa), -EBADMSG);
}

static void sa_drops_unknown_tv_attribute(void **state)
{
	/* Attribute type 15 in place of the key length. */
	assert_int_equal(parse_patched(17, 0x0f), 0);
	assert_int_equal(sa.proposals[0].n_transforms, 2);
	assert_int_equal(sa.proposals[0].transforms[0].type, 2);
	assert_int_equal(sa.proposals[0].transforms[1].type, 4);
}

static void sa_drops_unknown_tlv_attribute(void **state)
{
	/* clang-format off */
	const uint8_t body[] = {
		0x00, 0x00, 0x00, 0x1e, 0x01, 0x01, 0x00, 0x02,
		/* ENCR 12 with TLV attribute 16 of 2 bytes */
		0x03, 0x00, 0x00, 0x0e, 0x01, 0x00, 0x00, 0x0c,
		0x00, 0x10, 0x00, 0x02, 0xab, 0xcd,
		/* D-H group 19 */
		0x00, 0x00, 0x00, 0x08, 0x04, 0x00, 0x00, 0x13,
	};
	/* clang-format on */

	assert_int_equal(ike_parse_sa(body, sizeof(body), &sa), 0);
	assert_int_equal(sa.n_proposals, 1);
	assert_int_equal(sa.proposals[0].n_transforms, 1);
	assert_int_equal(sa.proposals[0].transforms[0].id, 19);
}

static void sa_rejects_tlv_overrun(void **state)
{
	/* clang-format off */
	const uint8_t body[] = {
		0x00, 0x00, 0x00, 0x16, 0x01, 0x01, 0x00, 0x01,
		/* TLV attribute 16 claims 3 bytes but the transform has 2 */
		0x00, 0x00, 0x00, 0x0e, 0x01, 0x00, 0x00, 0x0c,
		0x00, 0x10, 0x00, 0x03, 0xab, 0xcd,
	};
	/* clang-format on */

	assert_int_equal(ike_parse_sa(body, sizeof(body), &sa), -EBADMSG);
}

static void sa_rejects_tlv_key_length(void **state)
{
	/* clang-format off */
	const uint8_t body[] = {
		0x00, 0x00, 0x00, 0x14, 0x01, 0x01, 0x00, 0x01,
		/* key length attribute 14 in TLV form with no data */
		0x00, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x0c,
		0x00, 0x0e, 0x00, 0x00,
	};
	/* clang-format on */

	assert_int_equal(ike_parse_sa(body, sizeof(body), &sa), -EBADMSG);
}

static void sa_rejects_duplicate_key_length(void **state)
{
	/* clang-format off */
	const uint8_t body[] = {
		0x00, 0x00, 0x00, 0x18, 0x01, 0x01, 0x00, 0x01,
		/* ENCR 12 with key length 128, then 256 */
		0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x0c,
		0x80, 0x0e, 0x00, 0x80, 0x80, 0x0e, 0x01, 0x00,
	};
	/* clang-format on */

	assert_int_equal(ike_parse_sa(body, sizeof(body), &sa), -EBADMSG);
}

/* Builds an SA payload of n proposals; returns its length with header. */
static size_t build_sa(uint8_t *buf, size_t cap, const struct ike_proposal *p,
                       size_t n)
{
	struct ike_builder b;
	size_t len;

	ike_chain_init(&b, buf, cap);
	assert_true(ike_add_sa(&b, p, n));
	len = ike_build_finish(&b);
	assert_true(len > IKE_PAYLOAD_HEADER_LEN);
	return len;
}

static int parse_spi_size(uint8_t protocol, uint8_t spi_len)
{
	static struct ike_proposal p;
	uint8_t buf[128];
	size_t len;

	memset(&p, 0, sizeof(p));
	p.num = 1;
	p.protocol = protocol;
	p.spi_len = spi_len;
	p.n_transforms = 1;
	p.transforms[0] = (struct ike_transform){.type = 1, .id = 12};
	len = build_sa(buf, sizeof(buf), &p, 1);
	return ike_parse_sa(buf + IKE_PAYLOAD_HEADER_LEN,
	                    len - IKE_PAYLOAD_HEADER_LEN, &sa);
}

static void sa_checks_spi_size(void **state)
{
	assert_int_equal(parse_spi_size(PROTO_IKE, 0), 0);
	assert_int_equal(parse_spi_size(PROTO_IKE, 8), 0);
	assert_int_equal(parse_spi_size(PROTO_IKE, 4), -EBADMSG);
	assert_int_equal(parse_spi_size(PROTO_ESP, 4), 0);
	assert_int_equal(parse_spi_size(PROTO_ESP, 0), -EBADMSG);
	assert_int_equal(parse_spi_size(PROTO_ESP, 8), -EBADMSG);
	assert_int_equal(parse_spi_size(PROTO_AH, 4), 0);
	assert_int_equal(parse_spi_size(PROTO_AH, 0), -EBADMSG);
}

static void sa_limits_proposals(void **state)
{
	static struct ike_proposal p[IKE_MAX_PROPOSALS + 1];
	static uint8_t buf[4096];
	size_t len;

	memset(p, 0, sizeof(p));
	for (size_t i = 0; i < IKE_MAX_PROPOSALS + 1; i++) {
		p[i].num = (uint8_t)(i + 1);
		p[i].protocol = PROTO_IKE;
		p[i].n_transforms = 1;
		p[i].transforms[0] =
		        (struct ike_transform){.type = 4, .id = 19};
	}

	len = build_sa(buf, sizeof(buf), p, IKE_MAX_PROPOSALS + 1);
	assert_int_equal(ike_parse_sa(buf + 4, len - 4, &sa), -E2BIG);

	len = build_sa(buf, sizeof(buf), p, IKE_MAX_PROPOSALS);
	assert_int_equal(ike_parse_sa(buf + 4, len - 4, &sa), 0);
	assert_int_equal(sa.n_proposals, IKE_MAX_PROPOSALS);
}

static void sa_limits_transforms(void **state)
{
	static struct ike_proposal p;
	static uint8_t buf[4096];
	size_t len;

	memset(&p, 0, sizeof(p));
	p.num = 1;
	p.protocol = PROTO_IKE;
	p.n_transforms = IKE_MAX_TRANSFORMS;
	for (size_t i = 0; i < IKE_MAX_TRANSFORMS; i++)
		p.transforms[i] =
		        (struct ike_transform){.type = 1, .id = (uint16_t)i};

	len = build_sa(buf, sizeof(buf), &p, 1);
	assert_int_equal(ike_parse_sa(buf + 4, len - 4, &sa), 0);
	assert_int_equal(sa.proposals[0].n_transforms, IKE_MAX_TRANSFORMS);

	/*
	 * Append one more transform by hand, because the proposal struct has room
	 * for no more: mark the old last one "more", then fix the
	 * proposal's transform count and length.
	 */
	const uint8_t extra[] = {0, 0, 0, 8, 3, 0, 0, 1};

	buf[len - 8] = 3;
	memcpy(buf + len, extra, sizeof(extra));
	len += sizeof(extra);
	buf[4 + 7] = IKE_MAX_TRANSFORMS + 1;
	put_be16(buf + 4 + 2, (uint16_t)(len - 4));
	assert_int_equal(ike_parse_sa(buf + 4, len - 4, &sa), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(sa_parses_proposals),
	        cmocka_unit_test(sa_rejects_malformed),
	        cmocka_unit_test(sa_accepts_numbers_from_2),
	        cmocka_unit_test(sa_rejects_empty_payload),
	        cmocka_unit_test(sa_drops_unknown_tv_attribute),
	        cmocka_unit_test(sa_drops_unknown_tlv_attribute),
	        cmocka_unit_test(sa_rejects_tlv_overrun),
	        cmocka_unit_test(sa_rejects_tlv_key_length),
	        cmocka_unit_test(sa_rejects_duplicate_key_length),
	        cmocka_unit_test(sa_checks_spi_size),
	        cmocka_unit_test(sa_limits_proposals),
	        cmocka_unit_test(sa_limits_transforms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
