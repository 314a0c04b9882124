// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Real IKEv2 packets from other implementations (tests/data/ike, sources
 * in tests/data/README.md): valid ones parse to the expected contents and
 * malformed ones are rejected.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ike.h"

#define MAX_PACKET         2048
#define NON_ESP_MARKER_LEN 4

static uint8_t packet[MAX_PACKET];
static struct ike_message msg;
static struct ike_sa_payload sa;

/* Reads tests/data/ike/NAME and strips the non-ESP marker if asked. */
static size_t load(const char *name, bool marker, const uint8_t **data)
{
	char path[512];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/ike/%s", CREST_TEST_DATA, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	len = fread(packet, 1, sizeof(packet), f);
	fclose(f);

	*data = packet;
	if (marker) {
		assert_true(len >= NON_ESP_MARKER_LEN);
		assert_memory_equal(packet, "\0\0\0\0", NON_ESP_MARKER_LEN);
		*data += NON_ESP_MARKER_LEN;
		len -= NON_ESP_MARKER_LEN;
	}
	return len;
}

static void assert_types(const struct ike_message *m, const uint8_t *types,
                         size_t n)
{
	assert_int_equal(m->n_payloads, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(m->payloads[i].type, types[i]);
}

static void assert_transform(const struct ike_transform *t, uint8_t type,
                             uint16_t id, uint16_t key_bits)
{
	assert_int_equal(t->type, type);
	assert_int_equal(t->id, id);
	assert_int_equal(t->key_bits, key_bits);
}

static void assert_notify(const struct ike_payload *p, uint16_t type,
                          size_t data_len)
{
	struct ike_notify n;

	assert_int_equal(p->type, PL_NOTIFY);
	assert_int_equal(ike_parse_notify(p->body, p->len, &n), 0);
	assert_int_equal(n.type, type);
	assert_int_equal(n.protocol, 0);
	assert_int_equal(n.spi_len, 0);
	assert_int_equal(n.len, data_len);
}

static uint16_t ke_group(const struct ike_message *m, size_t *len)
{
	const struct ike_payload *p = ike_find(m, PL_KE);
	struct ike_ke ke;

	assert_non_null(p);
	assert_int_equal(ike_parse_ke(p->body, p->len, &ke), 0);
	*len = ke.len;
	return ke.group;
}

static void lp08_sa_init_request(void **state)
{
	static const uint8_t types[] = {PL_SA,     PL_KE,     PL_NONCE,
	                                PL_NOTIFY, PL_NOTIFY, PL_VENDOR};
	const uint8_t *data;
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", false, &data);
	size_t ke_len;

	assert_int_equal(len, 652);
	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_true(msg.hdr.spi_i == 0x8001020304050607ULL);
	assert_true(msg.hdr.spi_r == 0);
	assert_int_equal(msg.hdr.exchange, IKE_SA_INIT);
	assert_int_equal(msg.hdr.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(msg.hdr.msg_id, 0);
	assert_types(&msg, types, sizeof(types));

	assert_int_equal(
	        ike_parse_sa(msg.payloads[0].body, msg.payloads[0].len, &sa),
	        0);
	assert_int_equal(sa.n_proposals, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(sa.proposals[i].num, i + 1);
		assert_int_equal(sa.proposals[i].protocol, PROTO_IKE);
		assert_int_equal(sa.proposals[i].spi_len, 0);
		assert_int_equal(sa.proposals[i].n_transforms, 4);
	}
	/* AES-CBC-128, PRF-HMAC-SHA2-256, HMAC-SHA2-256-128, MODP-2048. */
	assert_transform(&sa.proposals[0].transforms[0], 1, 12, 128);
	assert_transform(&sa.proposals[0].transforms[1], 2, 5, 0);
	assert_transform(&sa.proposals[0].transforms[2], 3, 12, 0);
	assert_transform(&sa.proposals[0].transforms[3], 4, 14, 0);
	/* The last offers HMAC-SHA1-96 and MODP-3072. */
	assert_transform(&sa.proposals[5].transforms[2], 3, 2, 0);
	assert_transform(&sa.proposals[5].transforms[3], 4, 15, 0);

	assert_int_equal(ke_group(&msg, &ke_len), 14);
	assert_int_equal(ke_len, 256);
	assert_int_equal(msg.payloads[2].len, 16);
	assert_int_equal(
	        ike_parse_nonce(msg.payloads[2].body, msg.payloads[2].len), 0);
	assert_notify(&msg.payloads[3], N_NAT_DETECTION_SOURCE_IP, 20);
	assert_notify(&msg.payloads[4], N_NAT_DETECTION_DESTINATION_IP, 20);
	assert_int_equal(msg.payloads[5].len, 12);
	assert_memory_equal(msg.payloads[5].body, "OEplutounit0", 12);
}

static void ct12_sa_init_request(void **state)
{
	const uint8_t *data;
	size_t len = load("ct12-parentR2_parentI1-1.udp.bin", false, &data);
	size_t ke_len;

	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(msg.hdr.exchange, IKE_SA_INIT);
	assert_int_equal(ke_group(&msg, &ke_len), 14);
	assert_int_equal(ke_len, 256);
}

static void ct12_auth_request(void **state)
{
	const uint8_t *data;
	size_t len = load("ct12-parentR2_parentI2-1.udp.bin", false, &data);

	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_true(msg.hdr.spi_i == 0x8001020304050607ULL);
	assert_true(msg.hdr.spi_r == 0xdebc583a8f40d0cfULL);
	assert_int_equal(msg.hdr.exchange, IKE_AUTH);
	assert_int_equal(msg.hdr.msg_id, 1);
	assert_int_equal(msg.n_payloads, 1);
	assert_int_equal(msg.payloads[0].type, PL_SK);
	assert_int_equal(msg.payloads[0].offset, IKE_HEADER_LEN);
	assert_int_equal(msg.payloads[0].len, 512);
	assert_int_equal(msg.sk_first, PL_IDI);
}

/*
 * The KE sizes do not fit group 14 (256 bytes): a responder must check
 * them, because the wire format alone is valid.
 */
static void lp08_wrong_ke_sizes(void **state)
{
	const uint8_t *data;
	size_t len, ke_len;

	len = load("lp08-parentR1_parentI1badKE-1.udp.bin", false, &data);
	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(
	        ike_parse_sa(msg.payloads[0].body, msg.payloads[0].len, &sa),
	        0);
	assert_int_equal(sa.n_proposals, 12);
	assert_int_equal(ke_group(&msg, &ke_len), 14);
	assert_int_equal(ke_len, 192);

	len = load("lp08-parentR1_parentI1syntax-1.udp.bin", false, &data);
	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(ke_group(&msg, &ke_len), 14);
	assert_int_equal(ke_len, 80);
}

static void fragments_first_request(void **state)
{
	const uint8_t *data;
	size_t len, ke_len;

	len = load("invalid-ke-and-fragments-1.udp.bin", false, &data);
	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(msg.n_payloads, 8);
	assert_int_equal(
	        ike_parse_sa(msg.payloads[0].body, msg.payloads[0].len, &sa),
	        0);
	assert_int_equal(sa.n_proposals, 2);
	assert_int_equal(sa.proposals[0].n_transforms, 33);
	assert_int_equal(sa.proposals[1].n_transforms, 35);
	assert_int_equal(ke_group(&msg, &ke_len), 19);
	assert_int_equal(ke_len, 64);
	assert_notify(&msg.payloads[5], N_IKEV2_FRAGMENTATION_SUPPORTED, 0);
	assert_notify(&msg.payloads[6], N_SIGNATURE_HASH_ALGORITHMS, 6);
}

static void fragments_invalid_ke_reply(void **state)
{
	const uint8_t *data;
	size_t len = load("invalid-ke-and-fragments-2.udp.bin", false, &data);
	struct ike_notify n;

	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(msg.hdr.flags, IKE_FLAG_RESPONSE);
	assert_int_equal(msg.n_payloads, 1);
	assert_int_equal(
	        ike_parse_notify(msg.payloads[0].body, msg.payloads[0].len, &n),
	        0);
	assert_int_equal(n.type, N_INVALID_KE_PAYLOAD);
	assert_int_equal(n.len, 2);
	/* The responder wants MODP-3072. */
	assert_int_equal(get_be16(n.data), 15);
}

static void fragments_retry_and_reply(void **state)
{
	const uint8_t *data;
	size_t len, ke_len;

	len = load("invalid-ke-and-fragments-3.udp.bin", false, &data);
	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(ke_group(&msg, &ke_len), 15);
	assert_int_equal(ke_len, 384);

	len = load("invalid-ke-and-fragments-4.udp.bin", false, &data);
	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_true(msg.hdr.spi_r == 0x14633b5928660a90ULL);
	assert_int_equal(msg.n_payloads, 9);
	assert_int_equal(
	        ike_parse_sa(msg.payloads[0].body, msg.payloads[0].len, &sa),
	        0);
	assert_int_equal(sa.n_proposals, 1);
	assert_int_equal(sa.proposals[0].n_transforms, 4);
	assert_transform(&sa.proposals[0].transforms[0], 1, 12, 128);
	assert_transform(&sa.proposals[0].transforms[2], 2, 4, 0);
	assert_transform(&sa.proposals[0].transforms[3], 4, 15, 0);
	assert_int_equal(ke_group(&msg, &ke_len), 15);
	assert_notify(&msg.payloads[7], N_CHILDLESS_IKEV2_SUPPORTED, 0);
}

/* An SKF body starts with the fragment number and the total count. */
static void assert_fragment(const char *name, uint8_t sk_first, uint16_t number,
                            size_t body_len)
{
	const uint8_t *data;
	size_t len = load(name, true, &data);

	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(msg.hdr.exchange, IKE_AUTH);
	assert_int_equal(msg.n_payloads, 1);
	assert_int_equal(msg.payloads[0].type, PL_SKF);
	assert_int_equal(msg.payloads[0].len, body_len);
	assert_int_equal(msg.sk_first, sk_first);
	assert_int_equal(get_be16(msg.payloads[0].body), number);
	assert_int_equal(get_be16(msg.payloads[0].body + 2), 2);
}

static void fragments_auth_request(void **state)
{
	/* Only the first fragment names the first inner payload. */
	assert_fragment("invalid-ke-and-fragments-5.udp.bin", PL_IDI, 1, 1204);
	assert_fragment("invalid-ke-and-fragments-6.udp.bin", PL_NONE, 2, 276);
}

static void fragments_auth_reply(void **state)
{
	const uint8_t *data;
	size_t len = load("invalid-ke-and-fragments-7.udp.bin", true, &data);

	assert_int_equal(ike_parse_message(data, len, &msg), 0);
	assert_int_equal(msg.hdr.flags, IKE_FLAG_RESPONSE);
	assert_int_equal(msg.n_payloads, 1);
	assert_int_equal(msg.payloads[0].type, PL_SK);
	assert_int_equal(msg.payloads[0].len, 48);
	assert_int_equal(msg.sk_first, PL_NOTIFY);
}

static void esp_truncated_rejected(void **state)
{
	const uint8_t *data;
	size_t len = load("esp_truncated-1.udp.bin", false, &data);

	assert_int_equal(ike_parse_message(data, len, &msg), -EBADMSG);
}

/*
 * A port-500 IKE_AUTH message, not encrypted, whose IDi payload is 5 bytes
 * long (1 byte of body) and is followed by 43 stray bytes.
 */
static void id_short_rejected(void **state)
{
	const uint8_t *data;
	size_t len = load("ikev2-id-short-1.udp.bin", false, &data);
	struct ike_id id;

	assert_int_equal(ike_parse_message(data, len, &msg), -EBADMSG);

	/* The IDi payload alone is a valid chain but an invalid ID. */
	assert_int_equal(ike_parse_chain(PL_IDI, data + IKE_HEADER_LEN, 5,
	                                 IKE_HEADER_LEN, &msg),
	                 0);
	assert_int_equal(msg.payloads[0].len, 1);
	assert_int_equal(
	        ike_parse_id(msg.payloads[0].body, msg.payloads[0].len, &id),
	        -EBADMSG);
}

/*
 * A fuzzed IKE_SA_INIT request: the KE payload length runs past the end
 * of the message, and inside the SA a transform has the more field 0x2e.
 */
static void segfault_sa_init_rejected(void **state)
{
	const uint8_t *data;
	size_t len = load("ikev2pI2-segfault-1.udp.bin", false, &data);

	assert_int_equal(ike_parse_message(data, len, &msg), -EBADMSG);

	/* The SA payload is 244 bytes from offset 28. */
	assert_int_equal(get_be16(data + IKE_HEADER_LEN + 2), 244);
	assert_int_equal(ike_parse_sa(data + IKE_HEADER_LEN + 4, 240, &sa),
	                 -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(lp08_sa_init_request),
	        cmocka_unit_test(ct12_sa_init_request),
	        cmocka_unit_test(ct12_auth_request),
	        cmocka_unit_test(lp08_wrong_ke_sizes),
	        cmocka_unit_test(fragments_first_request),
	        cmocka_unit_test(fragments_invalid_ke_reply),
	        cmocka_unit_test(fragments_retry_and_reply),
	        cmocka_unit_test(fragments_auth_request),
	        cmocka_unit_test(fragments_auth_reply),
	        cmocka_unit_test(esp_truncated_rejected),
	        cmocka_unit_test(id_short_rejected),
	        cmocka_unit_test(segfault_sa_init_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
