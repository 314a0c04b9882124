// SPDX-License-Identifier: LGPL-2.1-or-later
/* Builder: every payload type built, parsed back and compared. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "wire/ike.h"

static const struct ike_header hdr = {
        .spi_i = 0x0102030405060708ULL,
        .spi_r = 0x1112131415161718ULL,
        .exchange = IKE_SA_INIT,
        .flags = IKE_FLAG_INITIATOR,
        .msg_id = 0x01020304,
};

static struct ike_proposal proposals[3];

/* IKE with AES-CBC-256 and AES-CBC-128, ESP with AES-GCM-16-256, AH. */
static void fill_proposals(void)
{
	memset(proposals, 0, sizeof(proposals));
	proposals[0] = (struct ike_proposal){
	        .num = 1,
	        .protocol = PROTO_IKE,
	        .n_transforms = 5,
	        .transforms = {{1, 12, 256},
	                       {1, 12, 128},
	                       {2, 5, 0},
	                       {3, 12, 0},
	                       {4, 19, 0}},
	};
	proposals[1] = (struct ike_proposal){
	        .num = 2,
	        .protocol = PROTO_ESP,
	        .spi_len = 4,
	        .spi = {0xc0, 0xff, 0xee, 0x01},
	        .n_transforms = 2,
	        .transforms = {{1, 20, 256}, {5, 0, 0}},
	};
	proposals[2] = (struct ike_proposal){
	        .num = 3,
	        .protocol = PROTO_AH,
	        .spi_len = 4,
	        .spi = {1, 2, 3, 4},
	        .n_transforms = 1,
	        .transforms = {{3, 12, 0}},
	};
}

static void assert_proposal_equal(const struct ike_proposal *a,
                                  const struct ike_proposal *b)
{
	assert_int_equal(a->num, b->num);
	assert_int_equal(a->protocol, b->protocol);
	assert_int_equal(a->spi_len, b->spi_len);
	assert_memory_equal(a->spi, b->spi, a->spi_len);
	assert_int_equal(a->n_transforms, b->n_transforms);
	for (size_t i = 0; i < a->n_transforms; i++) {
		assert_int_equal(a->transforms[i].type, b->transforms[i].type);
		assert_int_equal(a->transforms[i].id, b->transforms[i].id);
		assert_int_equal(a->transforms[i].key_bits,
		                 b->transforms[i].key_bits);
	}
}

static void build_sa_ke_nonce_notify(void **state)
{
	static struct ike_sa_payload sa;
	static struct ike_message m;
	uint8_t buf[1024], ke[32], nonce[32], spi[4] = {9, 8, 7, 6};
	struct ike_builder b;
	struct ike_ke parsed_ke;
	struct ike_notify n;
	size_t len;

	memset(ke, 0x4b, sizeof(ke));
	memset(nonce, 0x4e, sizeof(nonce));
	fill_proposals();

	ike_build_init(&b, buf, sizeof(buf), &hdr);
	assert_true(ike_add_sa(&b, proposals, 3));
	assert_true(ike_add_ke(&b, 19, ke, sizeof(ke)));
	assert_true(ike_add_nonce(&b, nonce, sizeof(nonce)));
	assert_true(ike_add_notify(&b, PROTO_ESP, spi, 4, N_REKEY_SA, NULL, 0));
	assert_true(ike_add_notify(&b, 0, NULL, 0, N_COOKIE, nonce, 20));
	len = ike_build_finish(&b);
	assert_true(len > IKE_HEADER_LEN);

	assert_int_equal(ike_parse_message(buf, len, &m), 0);
	assert_true(m.hdr.spi_i == hdr.spi_i);
	assert_true(m.hdr.spi_r == hdr.spi_r);
	assert_int_equal(m.hdr.version, 0x20);
	assert_int_equal(m.hdr.exchange, IKE_SA_INIT);
	assert_int_equal(m.hdr.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(m.hdr.msg_id, 0x01020304);
	assert_int_equal(m.hdr.length, len);
	assert_int_equal(m.n_payloads, 5);
	assert_int_equal(m.payloads[0].type, PL_SA);
	assert_int_equal(m.payloads[0].offset, IKE_HEADER_LEN);

	assert_int_equal(
	        ike_parse_sa(m.payloads[0].body, m.payloads[0].len, &sa), 0);
	assert_int_equal(sa.n_proposals, 3);
	for (size_t i = 0; i < 3; i++)
		assert_proposal_equal(&sa.proposals[i], &proposals[i]);

	assert_int_equal(m.payloads[1].type, PL_KE);
	assert_int_equal(
	        ike_parse_ke(m.payloads[1].body, m.payloads[1].len, &parsed_ke),
	        0);
	assert_int_equal(parsed_ke.group, 19);
	assert_int_equal(parsed_ke.len, sizeof(ke));
	assert_memory_equal(parsed_ke.data, ke, sizeof(ke));

	assert_int_equal(m.payloads[2].type, PL_NONCE);
	assert_int_equal(m.payloads[2].len, sizeof(nonce));
	assert_int_equal(ike_parse_nonce(m.payloads[2].body, m.payloads[2].len),
	                 0);

	assert_int_equal(
	        ike_parse_notify(m.payloads[3].body, m.payloads[3].len, &n), 0);
	assert_int_equal(n.protocol, PROTO_ESP);
	assert_int_equal(n.type, N_REKEY_SA);
	assert_int_equal(n.spi_len, 4);
	assert_memory_equal(n.spi, spi, 4);
	assert_int_equal(n.len, 0);

	assert_int_equal(
	        ike_parse_notify(m.payloads[4].body, m.payloads[4].len, &n), 0);
	assert_int_equal(n.type, N_COOKIE);
	assert_int_equal(n.spi_len, 0);
	assert_int_equal(n.len, 20);
	assert_memory_equal(n.data, nonce, 20);
}

static void build_auth_chain(void **state)
{
	static struct ike_message m;
	static struct ike_ts_payload ts;
	struct traffic_selector sel[2];
	const uint8_t v4[4] = {198, 51, 100, 0};
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	const uint8_t spis[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t buf[512];
	struct ike_builder b;
	struct ike_id id;
	struct ike_auth auth;
	struct ike_delete d;
	size_t len;

	assert_int_equal(ts_from_prefix(AF_INET, v4, 24, &sel[0]), 0);
	assert_int_equal(ts_from_prefix(AF_INET6, v6, 32, &sel[1]), 0);
	sel[0].ip_proto = 17;
	sel[0].start_port = 500;
	sel[0].end_port = 4500;

	ike_chain_init(&b, buf, sizeof(buf));
	assert_true(ike_add_id(&b, PL_IDI, 2, (const uint8_t *)"crest", 5));
	assert_true(ike_add_auth(&b, 14, (const uint8_t *)"sig", 3));
	assert_true(ike_add_ts(&b, PL_TSI, sel, 2));
	assert_true(ike_add_ts(&b, PL_TSR, sel, 1));
	assert_true(ike_add_delete(&b, PROTO_ESP, 4, spis, 2));
	len = ike_build_finish(&b);
	assert_int_equal(b.first_type, PL_IDI);
	assert_int_equal(len, (4 + 9) + (4 + 7) + (4 + 4 + 16 + 40) +
	                              (4 + 4 + 16) + (4 + 4 + 8));

	assert_int_equal(ike_parse_chain(b.first_type, buf, len, 40, &m), 0);
	assert_int_equal(m.n_payloads, 5);
	assert_int_equal(m.payloads[1].offset, 40 + 13);

	assert_int_equal(
	        ike_parse_id(m.payloads[0].body, m.payloads[0].len, &id), 0);
	assert_int_equal(id.type, 2);
	assert_int_equal(id.len, 5);
	assert_memory_equal(id.data, "crest", 5);

	assert_int_equal(m.payloads[1].type, PL_AUTH);
	assert_int_equal(
	        ike_parse_auth(m.payloads[1].body, m.payloads[1].len, &auth),
	        0);
	assert_int_equal(auth.method, 14);
	assert_memory_equal(auth.data, "sig", 3);

	assert_int_equal(m.payloads[2].type, PL_TSI);
	assert_int_equal(
	        ike_parse_ts(m.payloads[2].body, m.payloads[2].len, &ts), 0);
	assert_int_equal(ts.n, 2);
	assert_memory_equal(&ts.ts[0], &sel[0], sizeof(sel[0]));
	assert_memory_equal(&ts.ts[1], &sel[1], sizeof(sel[1]));

	assert_int_equal(m.payloads[3].type, PL_TSR);
	assert_int_equal(
	        ike_parse_ts(m.payloads[3].body, m.payloads[3].len, &ts), 0);
	assert_int_equal(ts.n, 1);

	assert_int_equal(
	        ike_parse_delete(m.payloads[4].body, m.payloads[4].len, &d), 0);
	assert_int_equal(d.n_spis, 2);
	assert_memory_equal(d.spis, spis, 8);
}

static void build_sk_names_first_inner(void **state)
{
	static struct ike_message m;
	uint8_t buf[128];
	struct ike_builder b;
	size_t len;

	ike_build_init(&b, buf, sizeof(buf), &hdr);
	assert_true(ike_payload_begin(&b, PL_SK, false));
	ike_payload_set_next(&b, PL_IDI);
	assert_true(write_zero(&b.w, 16));
	assert_true(ike_payload_end(&b));
	len = ike_build_finish(&b);
	assert_int_equal(len, IKE_HEADER_LEN + 4 + 16);

	assert_int_equal(ike_parse_message(buf, len, &m), 0);
	assert_int_equal(m.n_payloads, 1);
	assert_int_equal(m.payloads[0].type, PL_SK);
	assert_int_equal(m.sk_first, PL_IDI);
}

static void build_marks_critical(void **state)
{
	static struct ike_message m;
	uint8_t buf[64];
	struct ike_builder b;
	size_t len;

	ike_chain_init(&b, buf, sizeof(buf));
	assert_true(ike_payload_begin(&b, PL_VENDOR, true));
	assert_true(ike_payload_end(&b));
	len = ike_build_finish(&b);
	assert_int_equal(len, 4);
	assert_int_equal(ike_parse_chain(b.first_type, buf, len, 0, &m), 0);
	assert_true(m.payloads[0].critical);
}

static void build_overflow_fails(void **state)
{
	uint8_t buf[IKE_HEADER_LEN + 8], nonce[16] = {0};
	struct ike_builder b;

	ike_build_init(&b, buf, sizeof(buf), &hdr);
	assert_false(ike_add_nonce(&b, nonce, sizeof(nonce)));
	assert_int_equal(ike_build_finish(&b), 0);

	/* A buffer too small for the header. */
	ike_build_init(&b, buf, IKE_HEADER_LEN - 1, &hdr);
	assert_false(ike_add_nonce(&b, nonce, 1));
	assert_int_equal(ike_build_finish(&b), 0);
}

static void build_open_payload_fails(void **state)
{
	uint8_t buf[128];
	struct ike_builder b;

	ike_build_init(&b, buf, sizeof(buf), &hdr);
	assert_true(ike_payload_begin(&b, PL_NONCE, false));
	assert_int_equal(ike_build_finish(&b), 0);

	ike_build_init(&b, buf, sizeof(buf), &hdr);
	assert_true(ike_payload_begin(&b, PL_NONCE, false));
	assert_false(ike_payload_begin(&b, PL_NONCE, false));
	assert_int_equal(ike_build_finish(&b), 0);

	ike_build_init(&b, buf, sizeof(buf), &hdr);
	assert_false(ike_payload_end(&b));
	assert_int_equal(ike_build_finish(&b), 0);
}

static void build_rejects_bad_arguments(void **state)
{
	uint8_t buf[256];
	struct ike_builder b;
	struct traffic_selector bad = {.type = 9};

	ike_chain_init(&b, buf, sizeof(buf));
	assert_false(ike_add_id(&b, PL_AUTH, 2, (const uint8_t *)"x", 1));
	assert_int_equal(ike_build_finish(&b), 0);

	ike_chain_init(&b, buf, sizeof(buf));
	assert_false(ike_add_ts(&b, PL_IDI, &bad, 0));
	assert_int_equal(ike_build_finish(&b), 0);

	ike_chain_init(&b, buf, sizeof(buf));
	assert_false(ike_add_ts(&b, PL_TSI, &bad, 1));
	assert_int_equal(ike_build_finish(&b), 0);

	ike_chain_init(&b, buf, sizeof(buf));
	assert_false(ike_add_sa(&b, proposals, 0));
	assert_int_equal(ike_build_finish(&b), 0);

	ike_chain_init(&b, buf, sizeof(buf));
	assert_false(ike_add_notify(&b, PROTO_ESP, buf, IKE_MAX_SPI_LEN + 1,
	                            N_REKEY_SA, NULL, 0));
	assert_int_equal(ike_build_finish(&b), 0);
}

static void build_writes_version_2(void **state)
{
	struct ike_header h = hdr;
	uint8_t buf[IKE_HEADER_LEN];
	struct ike_builder b;

	h.version = 0x10;
	ike_build_init(&b, buf, sizeof(buf), &h);
	assert_int_equal(ike_build_finish(&b), IKE_HEADER_LEN);
	assert_int_equal(buf[17], 0x20);
	assert_int_equal(buf[16], PL_NONE);
	assert_int_equal(get_be32(buf + 24), IKE_HEADER_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(build_sa_ke_nonce_notify),
	        cmocka_unit_test(build_auth_chain),
	        cmocka_unit_test(build_sk_names_first_inner),
	        cmocka_unit_test(build_marks_critical),
	        cmocka_unit_test(build_overflow_fails),
	        cmocka_unit_test(build_open_payload_fails),
	        cmocka_unit_test(build_rejects_bad_arguments),
	        cmocka_unit_test(build_writes_version_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
