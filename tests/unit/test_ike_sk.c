// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Known-answer test of IKE message decryption through sk_open(): the
 * IKE_AUTH request of the Openswan unit test ct12-parentR2 (MODP-2048,
 * PRF HMAC-SHA2-256, AES-CBC-128 with HMAC-SHA2-256-128).  The initiator's
 * SK_ai and SK_ei are those Openswan logged for that run
 * (ct12-parentR2_output1.txt, "ikev2 I 0x8001020304050607 ...").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "ike/sk.h"
#include "wire/ike.h"

static const uint8_t sk_ai[32] = {
	0x4e, 0xa8, 0xe6, 0x62, 0xb0, 0x7c, 0xdd, 0x43, 0x0f, 0x69, 0x44,
	0xc6, 0x72, 0x3e, 0x4b, 0x82, 0x2e, 0x05, 0x3c, 0x7e, 0x12, 0x87,
	0x12, 0x99, 0x2e, 0x05, 0x3c, 0x7e, 0x12, 0x87, 0x12, 0x99,
};
static const uint8_t sk_ei[16] = {
	0x3f, 0x44, 0xbf, 0x47, 0xca, 0xfd, 0x81, 0x50,
	0x59, 0x1d, 0xeb, 0x08, 0x81, 0x99, 0xfc, 0xbf,
};

static size_t read_file(const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/ike/%s", CREST_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static struct crypto_cipher *ct12_cipher(void)
{
	struct crypto_cipher *c = NULL;
	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_CBC, 128,
					   INTEG_HMAC_SHA2_256_128, sk_ei,
					   sizeof(sk_ei), sk_ai, sizeof(sk_ai),
					   &c),
			 0);
	return c;
}

static void ct12_auth_decrypts_to_idi(void **state)
{
	uint8_t msg[2048];
	size_t len = read_file("ct12-parentR2_parentI2-1.udp.bin", msg,
			       sizeof(msg));
	struct ike_message m;
	struct crypto_cipher *c = ct12_cipher();

	assert_int_equal(ike_parse_message(msg, len, &m), 0);
	assert_int_equal(m.hdr.exchange, IKE_AUTH);
	assert_int_equal(m.sk_first, PL_IDI);
	assert_int_equal(sk_open(c, msg, len, &m), 0);

	const struct ike_payload *idp = ike_find(&m, PL_IDI);
	struct ike_id id;
	assert_non_null(idp);
	assert_int_equal(ike_parse_id(idp->body, idp->len, &id), 0);
	assert_int_equal(id.type, 2); /* ID_FQDN */
	const char *want = "parker01.emmjay";
	assert_true(id.len >= strlen(want));
	assert_memory_equal(id.data, want, strlen(want));
	assert_non_null(ike_find(&m, PL_AUTH));
	crypto_cipher_free(c);
}

static void ct12_flipped_bit_fails_icv(void **state)
{
	uint8_t msg[2048];
	size_t len = read_file("ct12-parentR2_parentI2-1.udp.bin", msg,
			       sizeof(msg));
	struct ike_message m;
	struct crypto_cipher *c = ct12_cipher();

	assert_int_equal(ike_parse_message(msg, len, &m), 0);
	msg[len - 40] ^= 0x01; /* inside the ciphertext */
	assert_int_equal(sk_open(c, msg, len, &m), -EBADMSG);
	crypto_cipher_free(c);
}

static void seal_then_open_round_trip(void **state)
{
	static const uint8_t key[36] = { 1, 2, 3, 4, 5 };
	struct crypto_cipher *enc, *dec;
	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_GCM_16,
					   256, INTEG_NONE, key, sizeof(key),
					   NULL, 0, &enc),
			 0);
	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_GCM_16,
					   256, INTEG_NONE, key, sizeof(key),
					   NULL, 0, &dec),
			 0);

	uint8_t plain[256], msg[512];
	struct ike_builder b;
	static const uint8_t nonce[32] = { 9 };
	ike_chain_init(&b, plain, sizeof(plain));
	assert_true(ike_add_nonce(&b, nonce, sizeof(nonce)));
	size_t plain_len = ike_build_finish(&b);

	struct ike_header h = { .spi_i = 1, .spi_r = 2, .version = 0x20,
				.exchange = INFORMATIONAL, .msg_id = 7 };
	size_t len;
	assert_int_equal(sk_seal(enc, &h, b.first_type, plain, plain_len, msg,
				 sizeof(msg), &len),
			 0);

	struct ike_message m;
	assert_int_equal(ike_parse_message(msg, len, &m), 0);
	assert_int_equal(m.hdr.msg_id, 7);
	assert_int_equal(sk_open(dec, msg, len, &m), 0);
	const struct ike_payload *np = ike_find(&m, PL_NONCE);
	assert_non_null(np);
	assert_memory_equal(np->body, nonce, sizeof(nonce));
	crypto_cipher_free(enc);
	crypto_cipher_free(dec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ct12_auth_decrypts_to_idi),
		cmocka_unit_test(ct12_flipped_bit_fails_icv),
		cmocka_unit_test(seal_then_open_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
