// SPDX-License-Identifier: LGPL-2.1-or-later
/* IKEv2 header and payload chain: each validation rule of ike_parse.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ike.h"

/* clang-format off */
static const uint8_t header[IKE_HEADER_LEN] = {
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,	/* SPIi */
	0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,	/* SPIr */
	PL_NONE, 0x20, IKE_AUTH, IKE_FLAG_INITIATOR,	/* next, version */
	0x00, 0x00, 0x00, 0x07,				/* message ID */
	0x00, 0x00, 0x00, IKE_HEADER_LEN,		/* length */
};
/* clang-format on */

/* Writes the header above with the given first payload and a chain. */
static size_t make_message(uint8_t *buf, uint8_t first, const uint8_t *chain,
                           size_t chain_len)
{
	memcpy(buf, header, sizeof(header));
	buf[16] = first;
	memcpy(buf + IKE_HEADER_LEN, chain, chain_len);
	put_be32(buf + 24, (uint32_t)(IKE_HEADER_LEN + chain_len));
	return IKE_HEADER_LEN + chain_len;
}

static void header_parses_fields(void **state)
{
	struct ike_header hdr;

	assert_int_equal(ike_parse_header(header, sizeof(header), &hdr), 0);
	assert_true(hdr.spi_i == 0x1112131415161718ULL);
	assert_true(hdr.spi_r == 0x2122232425262728ULL);
	assert_int_equal(hdr.next_payload, PL_NONE);
	assert_int_equal(hdr.version, 0x20);
	assert_int_equal(hdr.exchange, IKE_AUTH);
	assert_int_equal(hdr.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(hdr.msg_id, 7);
	assert_int_equal(hdr.length, IKE_HEADER_LEN);
}

static void header_rejects_short_input(void **state)
{
	struct ike_header hdr;

	assert_int_equal(ike_parse_header(header, IKE_HEADER_LEN - 1, &hdr),
	                 -EBADMSG);
	assert_int_equal(ike_parse_header(header, 0, &hdr), -EBADMSG);
}

static void header_rejects_length_mismatch(void **state)
{
	uint8_t buf[IKE_HEADER_LEN + 4] = {0};
	struct ike_header hdr;

	memcpy(buf, header, sizeof(header));
	/* The length field is 28 but 32 bytes arrived. */
	assert_int_equal(ike_parse_header(buf, sizeof(buf), &hdr), -EBADMSG);

	/* The length field is 32 but only 28 bytes arrived. */
	put_be32(buf + 24, sizeof(buf));
	assert_int_equal(ike_parse_header(buf, IKE_HEADER_LEN, &hdr), -EBADMSG);
	assert_int_equal(ike_parse_header(buf, sizeof(buf), &hdr), 0);
}

static void header_rejects_major_version(void **state)
{
	uint8_t buf[IKE_HEADER_LEN];
	struct ike_header hdr;

	memcpy(buf, header, sizeof(buf));
	buf[17] = 0x30;
	assert_int_equal(ike_parse_header(buf, sizeof(buf), &hdr),
	                 -EPROTONOSUPPORT);
	/* The header is filled in for an INVALID_MAJOR_VERSION reply. */
	assert_true(hdr.spi_i == 0x1112131415161718ULL);
	assert_int_equal(hdr.msg_id, 7);

	buf[17] = 0x10;
	assert_int_equal(ike_parse_header(buf, sizeof(buf), &hdr),
	                 -EPROTONOSUPPORT);

	/* A higher minor version is accepted (RFC 7296 2.5). */
	buf[17] = 0x21;
	assert_int_equal(ike_parse_header(buf, sizeof(buf), &hdr), 0);
}

static void header_ignores_reserved_flags(void **state)
{
	uint8_t buf[IKE_HEADER_LEN];
	struct ike_header hdr;

	memcpy(buf, header, sizeof(buf));
	buf[19] = 0xff;
	assert_int_equal(ike_parse_header(buf, sizeof(buf), &hdr), 0);
	assert_int_equal(hdr.flags, IKE_FLAG_INITIATOR | IKE_FLAG_VERSION |
	                                    IKE_FLAG_RESPONSE);
}

static void message_without_payloads(void **state)
{
	struct ike_message m;

	assert_int_equal(ike_parse_message(header, sizeof(header), &m), 0);
	assert_int_equal(m.n_payloads, 0);
	assert_int_equal(m.hdr.exchange, IKE_AUTH);
}

static void message_walks_chain(void **state)
{
	const uint8_t chain[] = {
	        PL_VENDOR, 0x00, 0x00, 0x06, 0xaa, 0xbb, /* Nonce */
	        PL_NONE,   0x80, 0x00, 0x05, 0xcc,       /* V, critical */
	};
	uint8_t buf[128];
	size_t len = make_message(buf, PL_NONCE, chain, sizeof(chain));
	struct ike_message m;

	assert_int_equal(ike_parse_message(buf, len, &m), 0);
	assert_int_equal(m.n_payloads, 2);

	assert_int_equal(m.payloads[0].type, PL_NONCE);
	assert_false(m.payloads[0].critical);
	assert_int_equal(m.payloads[0].len, 2);
	assert_int_equal(m.payloads[0].offset, IKE_HEADER_LEN);
	assert_ptr_equal(m.payloads[0].body, buf + IKE_HEADER_LEN + 4);

	assert_int_equal(m.payloads[1].type, PL_VENDOR);
	assert_true(m.payloads[1].critical);
	assert_int_equal(m.payloads[1].len, 1);
	assert_int_equal(m.payloads[1].offset, IKE_HEADER_LEN + 6);
	assert_int_equal(m.payloads[1].body[0], 0xcc);

	assert_ptr_equal(ike_find(&m, PL_VENDOR), &m.payloads[1]);
	assert_null(ike_find(&m, PL_SA));
}

static void chain_rejects_short_payload_length(void **state)
{
	const uint8_t chain[] = {PL_NONE, 0x00, 0x00, 0x03};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(PL_NONCE, chain, 4, 0, &m), -EBADMSG);
}

static void chain_rejects_overrun(void **state)
{
	const uint8_t chain[] = {PL_NONE, 0x00, 0x00, 0x08, 0x01, 0x02};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(PL_NONCE, chain, sizeof(chain), 0, &m),
	                 -EBADMSG);
}

static void chain_rejects_missing_payload(void **state)
{
	/* The first payload names a second one that is not there. */
	const uint8_t chain[] = {PL_NONCE, 0x00, 0x00, 0x04};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(PL_NONCE, chain, sizeof(chain), 0, &m),
	                 -EBADMSG);
}

static void chain_rejects_trailing_bytes(void **state)
{
	const uint8_t chain[] = {PL_NONE, 0x00, 0x00, 0x04, 0xee};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(PL_NONCE, chain, sizeof(chain), 0, &m),
	                 -EBADMSG);
	assert_int_equal(ike_parse_chain(PL_NONE, chain, sizeof(chain), 0, &m),
	                 -EBADMSG);
	assert_int_equal(ike_parse_chain(PL_NONE, chain, 0, 0, &m), 0);
	assert_int_equal(m.n_payloads, 0);
}

static void chain_rejects_too_many_payloads(void **state)
{
	uint8_t chain[(IKE_MAX_PAYLOADS + 1) * 4];
	struct ike_message m;

	for (size_t i = 0; i <= IKE_MAX_PAYLOADS; i++) {
		chain[i * 4] = i == IKE_MAX_PAYLOADS ? PL_NONE : PL_VENDOR;
		chain[i * 4 + 1] = 0;
		put_be16(chain + i * 4 + 2, 4);
	}
	assert_int_equal(
	        ike_parse_chain(PL_VENDOR, chain, sizeof(chain), 0, &m),
	        -E2BIG);

	/* One fewer fits exactly. */
	chain[(IKE_MAX_PAYLOADS - 1) * 4] = PL_NONE;
	assert_int_equal(
	        ike_parse_chain(PL_VENDOR, chain, sizeof(chain) - 4, 0, &m), 0);
	assert_int_equal(m.n_payloads, IKE_MAX_PAYLOADS);
}

static void chain_rejects_unknown_critical(void **state)
{
	const uint8_t chain[] = {
	        PL_NONE, 0x80, 0x00, 0x05, 0x01, /* type 60, critical */
	};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(60, chain, sizeof(chain), 0, &m),
	                 -EPROTO);
	assert_int_equal(m.unsupported_critical, 60);
}

static void chain_skips_unknown_noncritical(void **state)
{
	const uint8_t chain[] = {
	        PL_NONCE, 0x00, 0x00, 0x05, 0x01, /* type 60 */
	        PL_NONE,  0x00, 0x00, 0x04,       /* Nonce */
	};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(60, chain, sizeof(chain), 100, &m), 0);
	assert_int_equal(m.n_payloads, 1);
	assert_int_equal(m.payloads[0].type, PL_NONCE);
	/* base is added to each payload's offset within the chain. */
	assert_int_equal(m.payloads[0].offset, 105);
	assert_int_equal(m.unsupported_critical, PL_NONE);
}

static void chain_stores_sk_first(void **state)
{
	const uint8_t chain[] = {
	        PL_SK,  0x00, 0x00, 0x04,          /* Nonce */
	        PL_IDI, 0x00, 0x00, 0x07, 1, 2, 3, /* SK */
	};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(PL_NONCE, chain, sizeof(chain), 0, &m),
	                 0);
	assert_int_equal(m.n_payloads, 2);
	assert_int_equal(m.payloads[1].type, PL_SK);
	assert_int_equal(m.payloads[1].len, 3);
	assert_int_equal(m.sk_first, PL_IDI);
}

static void chain_requires_sk_last(void **state)
{
	/* The SK names IDi inside it, and a Nonce follows the SK. */
	const uint8_t chain[] = {
	        PL_IDI,  0x00, 0x00, 0x05, 0x01, /* SK */
	        PL_NONE, 0x00, 0x00, 0x04,       /* Nonce */
	};
	struct ike_message m;

	assert_int_equal(ike_parse_chain(PL_SK, chain, sizeof(chain), 0, &m),
	                 -EBADMSG);
	assert_int_equal(ike_parse_chain(PL_SKF, chain, sizeof(chain), 0, &m),
	                 -EBADMSG);
	assert_int_equal(ike_parse_chain(PL_SKF, chain, 5, 0, &m), 0);
	assert_int_equal(m.sk_first, PL_IDI);
}

static void message_reports_chain_errors(void **state)
{
	const uint8_t chain[] = {PL_NONE, 0x00, 0x00, 0x05};
	uint8_t buf[64];
	size_t len = make_message(buf, PL_NONCE, chain, sizeof(chain));
	struct ike_message m;

	assert_int_equal(ike_parse_message(buf, len, &m), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(header_parses_fields),
	        cmocka_unit_test(header_rejects_short_input),
	        cmocka_unit_test(header_rejects_length_mismatch),
	        cmocka_unit_test(header_rejects_major_version),
	        cmocka_unit_test(header_ignores_reserved_flags),
	        cmocka_unit_test(message_without_payloads),
	        cmocka_unit_test(message_walks_chain),
	        cmocka_unit_test(chain_rejects_short_payload_length),
	        cmocka_unit_test(chain_rejects_overrun),
	        cmocka_unit_test(chain_rejects_missing_payload),
	        cmocka_unit_test(chain_rejects_trailing_bytes),
	        cmocka_unit_test(chain_rejects_too_many_payloads),
	        cmocka_unit_test(chain_rejects_unknown_critical),
	        cmocka_unit_test(chain_skips_unknown_noncritical),
	        cmocka_unit_test(chain_stores_sk_first),
	        cmocka_unit_test(chain_requires_sk_last),
	        cmocka_unit_test(message_reports_chain_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
