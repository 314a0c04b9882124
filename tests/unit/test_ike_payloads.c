// SPDX-License-Identifier: LGPL-2.1-or-later
/* Typed payload parsers other than SA: each length and size rule. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ike.h"

static void ke_parses_group_and_data(void **state)
{
	const uint8_t body[] = {0x00, 0x13, 0x00, 0x00, 0xaa, 0xbb};
	struct ike_ke ke;

	assert_int_equal(ike_parse_ke(body, sizeof(body), &ke), 0);
	assert_int_equal(ke.group, 19);
	assert_int_equal(ke.len, 2);
	assert_ptr_equal(ke.data, body + 4);
}

static void ke_rejects_missing_data(void **state)
{
	const uint8_t body[] = {0x00, 0x13, 0x00, 0x00};
	struct ike_ke ke;

	assert_int_equal(ike_parse_ke(body, 4, &ke), -EBADMSG);
	assert_int_equal(ike_parse_ke(body, 3, &ke), -EBADMSG);
	assert_int_equal(ike_parse_ke(body, 0, &ke), -EBADMSG);
}

static void notify_parses_spi_and_data(void **state)
{
	const uint8_t body[] = {
	        PROTO_ESP, 4, 0x40, 0x09, 0x01, 0x02, 0x03, 0x04, 0xee,
	};
	struct ike_notify n;

	assert_int_equal(ike_parse_notify(body, sizeof(body), &n), 0);
	assert_int_equal(n.protocol, PROTO_ESP);
	assert_int_equal(n.spi_len, 4);
	assert_int_equal(n.type, N_REKEY_SA);
	assert_ptr_equal(n.spi, body + 4);
	assert_int_equal(n.len, 1);
	assert_int_equal(n.data[0], 0xee);

	/* The 4-byte SPI is missing. */
	assert_int_equal(ike_parse_notify(body, 4, &n), -EBADMSG);

	const uint8_t bare[] = {0, 0, 0x40, 0x00};

	assert_int_equal(ike_parse_notify(bare, sizeof(bare), &n), 0);
	assert_int_equal(n.type, N_INITIAL_CONTACT);
	assert_int_equal(n.len, 0);
}

static void notify_rejects_bad_spi_size(void **state)
{
	uint8_t body[4 + 16] = {PROTO_ESP, 5, 0x40, 0x09};
	struct ike_notify n;

	/* The SPI runs past the end. */
	assert_int_equal(ike_parse_notify(body, 8, &n), -EBADMSG);
	assert_int_equal(ike_parse_notify(body, 9, &n), 0);

	/* An SPI longer than IKE_MAX_SPI_LEN. */
	body[1] = IKE_MAX_SPI_LEN + 1;
	assert_int_equal(ike_parse_notify(body, sizeof(body), &n), -EBADMSG);
	assert_int_equal(ike_parse_notify(body, 3, &n), -EBADMSG);
}

static void id_requires_data(void **state)
{
	const uint8_t body[] = {2, 0, 0, 0, 'a', 'b'};
	struct ike_id id;

	assert_int_equal(ike_parse_id(body, sizeof(body), &id), 0);
	assert_int_equal(id.type, 2);
	assert_int_equal(id.len, 2);
	assert_ptr_equal(id.data, body + 4);

	assert_int_equal(ike_parse_id(body, 4, &id), -EBADMSG);
	assert_int_equal(ike_parse_id(body, 1, &id), -EBADMSG);
}

static void auth_requires_data(void **state)
{
	const uint8_t body[] = {14, 0, 0, 0, 0x55};
	struct ike_auth auth;

	assert_int_equal(ike_parse_auth(body, sizeof(body), &auth), 0);
	assert_int_equal(auth.method, 14);
	assert_int_equal(auth.len, 1);
	assert_int_equal(auth.data[0], 0x55);

	assert_int_equal(ike_parse_auth(body, 4, &auth), -EBADMSG);
}

static void nonce_checks_length(void **state)
{
	uint8_t nonce[IKE_NONCE_MAX + 1] = {0};

	assert_int_equal(ike_parse_nonce(nonce, IKE_NONCE_MIN - 1), -EBADMSG);
	assert_int_equal(ike_parse_nonce(nonce, IKE_NONCE_MIN), 0);
	assert_int_equal(ike_parse_nonce(nonce, IKE_NONCE_MAX), 0);
	assert_int_equal(ike_parse_nonce(nonce, IKE_NONCE_MAX + 1), -EBADMSG);
}

/* clang-format off */
static const uint8_t ts_body[] = {
	3, 0, 0, 0,
	/* IPv4 192.0.2.0-192.0.2.255, TCP port 443 */
	TS_IPV4_ADDR_RANGE, 6, 0, 16, 0x01, 0xbb, 0x01, 0xbb,
	192, 0, 2, 0, 192, 0, 2, 255,
	/* type 9, unknown: skipped by its length */
	9, 0, 0, 6, 0xaa, 0xbb,
	/* IPv6 2001:db8::-2001:db8::ffff, any protocol, OPAQUE ports */
	TS_IPV6_ADDR_RANGE, 0, 0, 40, 0xff, 0xff, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};
/* clang-format on */

static void ts_parses_selectors(void **state)
{
	struct ike_ts_payload ts;

	assert_int_equal(ike_parse_ts(ts_body, sizeof(ts_body), &ts), 0);
	assert_int_equal(ts.n, 2);

	assert_int_equal(ts.ts[0].type, TS_IPV4_ADDR_RANGE);
	assert_int_equal(ts.ts[0].ip_proto, 6);
	assert_int_equal(ts.ts[0].start_port, 443);
	assert_int_equal(ts.ts[0].end_port, 443);
	assert_memory_equal(ts.ts[0].start, "\xc0\x00\x02\x00", 4);
	assert_memory_equal(ts.ts[0].end, "\xc0\x00\x02\xff", 4);

	assert_int_equal(ts.ts[1].type, TS_IPV6_ADDR_RANGE);
	assert_int_equal(ts.ts[1].start_port, 65535);
	assert_int_equal(ts.ts[1].end_port, 0);
	assert_memory_equal(ts.ts[1].start, ts_body + 34, 16);
	assert_memory_equal(ts.ts[1].end, ts_body + 50, 16);
}

static int parse_ts_patched(size_t offset, uint8_t value, size_t len)
{
	uint8_t body[sizeof(ts_body)];
	struct ike_ts_payload ts;

	memcpy(body, ts_body, sizeof(body));
	body[offset] = value;
	return ike_parse_ts(body, len, &ts);
}

static void ts_rejects_malformed(void **state)
{
	const size_t len = sizeof(ts_body);

	/* IPv4 selector length other than 16. */
	assert_int_equal(parse_ts_patched(7, 15, len), -EBADMSG);
	assert_int_equal(parse_ts_patched(7, 17, len), -EBADMSG);
	/* IPv6 selector length other than 40. */
	assert_int_equal(parse_ts_patched(29, 16, len), -EBADMSG);
	/* Unknown selector shorter than its own header. */
	assert_int_equal(parse_ts_patched(23, 3, len), -EBADMSG);
	/* More selectors counted than present. */
	assert_int_equal(parse_ts_patched(0, 4, len), -EBADMSG);
	/* Fewer counted than present: the rest are trailing bytes. */
	assert_int_equal(parse_ts_patched(0, 2, len), -EBADMSG);
	/* Truncated inside the IPv6 selector. */
	assert_int_equal(parse_ts_patched(0, 3, len - 1), -EBADMSG);
	assert_int_equal(parse_ts_patched(0, 3, 3), -EBADMSG);
}

static void ts_limits_selectors(void **state)
{
	uint8_t body[4 + (IKE_MAX_TS + 1) * 16];
	struct ike_ts_payload ts;

	memset(body, 0, sizeof(body));
	body[0] = IKE_MAX_TS + 1;
	for (size_t i = 0; i <= IKE_MAX_TS; i++) {
		body[4 + i * 16] = TS_IPV4_ADDR_RANGE;
		body[4 + i * 16 + 3] = 16;
	}
	assert_int_equal(ike_parse_ts(body, sizeof(body), &ts), -E2BIG);

	body[0] = IKE_MAX_TS;
	assert_int_equal(ike_parse_ts(body, sizeof(body) - 16, &ts), 0);
	assert_int_equal(ts.n, IKE_MAX_TS);
}

static void delete_parses_spis(void **state)
{
	const uint8_t esp[] = {PROTO_ESP, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
	const uint8_t ike[] = {PROTO_IKE, 0, 0, 0};
	struct ike_delete d;

	assert_int_equal(ike_parse_delete(esp, sizeof(esp), &d), 0);
	assert_int_equal(d.protocol, PROTO_ESP);
	assert_int_equal(d.spi_len, 4);
	assert_int_equal(d.n_spis, 2);
	assert_ptr_equal(d.spis, esp + 4);

	assert_int_equal(ike_parse_delete(ike, sizeof(ike), &d), 0);
	assert_int_equal(d.protocol, PROTO_IKE);
	assert_int_equal(d.n_spis, 0);
}

static void delete_rejects_malformed(void **state)
{
	const uint8_t ike_spi_size[] = {PROTO_IKE, 4, 0, 0};
	const uint8_t ike_count[] = {PROTO_IKE, 0, 0, 1};
	const uint8_t esp_spi_size[] = {
	        PROTO_ESP, 8, 0, 1, /* one 8-byte SPI */
	        1,         2, 3, 4, 5, 6, 7, 8,
	};
	const uint8_t esp_short[] = {PROTO_ESP, 4, 0, 2, 1, 2, 3, 4};
	const uint8_t esp_long[] = {PROTO_ESP, 4, 0, 1, 1, 2, 3, 4, 5};
	const uint8_t unknown[] = {9, 4, 0, 1, 1, 2, 3, 4};
	struct ike_delete d;

	assert_int_equal(
	        ike_parse_delete(ike_spi_size, sizeof(ike_spi_size), &d),
	        -EBADMSG);
	assert_int_equal(ike_parse_delete(ike_count, sizeof(ike_count), &d),
	                 -EBADMSG);
	assert_int_equal(
	        ike_parse_delete(esp_spi_size, sizeof(esp_spi_size), &d),
	        -EBADMSG);
	assert_int_equal(ike_parse_delete(esp_short, sizeof(esp_short), &d),
	                 -EBADMSG);
	assert_int_equal(ike_parse_delete(esp_long, sizeof(esp_long), &d),
	                 -EBADMSG);
	assert_int_equal(ike_parse_delete(unknown, sizeof(unknown), &d),
	                 -EBADMSG);
	assert_int_equal(ike_parse_delete(esp_short, 3, &d), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(ke_parses_group_and_data),
	        cmocka_unit_test(ke_rejects_missing_data),
	        cmocka_unit_test(notify_parses_spi_and_data),
	        cmocka_unit_test(notify_rejects_bad_spi_size),
	        cmocka_unit_test(id_requires_data),
	        cmocka_unit_test(auth_requires_data),
	        cmocka_unit_test(nonce_checks_length),
	        cmocka_unit_test(ts_parses_selectors),
	        cmocka_unit_test(ts_rejects_malformed),
	        cmocka_unit_test(ts_limits_selectors),
	        cmocka_unit_test(delete_parses_spis),
	        cmocka_unit_test(delete_rejects_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
