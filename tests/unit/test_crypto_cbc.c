// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * AES-CBC with HMAC-SHA2 through crypto_cipher.  The cipher is checked
 * against NIST SP 800-38A appendix F.2.5 (CBC-AES256.Encrypt) with
 * INTEG_NONE, the HMAC against RFC 4231 test case 2 (key "Jefe"), which
 * must equal the untruncated ICV computed over aad | iv | ciphertext.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "test_crypto_hex.h"

#define SP800_38A_KEY256                                                       \
	"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
#define SP800_38A_IV "000102030405060708090a0b0c0d0e0f"
#define SP800_38A_PLAIN                                                        \
	"6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"     \
	"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
#define SP800_38A_CBC256_CIPHER                                                \
	"f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"     \
	"39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"

static void cbc256_sp800_38a(void **state)
{
	uint8_t key[32], iv[16], plain[64], cipher[64], buf[64];
	struct crypto_cipher *c = NULL;

	assert_int_equal(hex_decode(SP800_38A_KEY256, key, 32), 32);
	assert_int_equal(hex_decode(SP800_38A_IV, iv, 16), 16);
	assert_int_equal(hex_decode(SP800_38A_PLAIN, plain, 64), 64);
	assert_int_equal(hex_decode(SP800_38A_CBC256_CIPHER, cipher, 64), 64);

	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_CBC, 256,
	                                   INTEG_NONE, key, 32, NULL, 0, &c),
	                 0);
	assert_int_equal(crypto_cipher_iv_len(c), 16);
	assert_int_equal(crypto_cipher_block_len(c), 16);
	assert_int_equal(crypto_cipher_icv_len(c), 0);

	/* Twice with one context: each call must restart from its IV. */
	for (int round = 0; round < 2; round++) {
		memcpy(buf, plain, 64);
		assert_int_equal(
		        crypto_cipher_encrypt(c, NULL, 0, iv, buf, 64, NULL),
		        0);
		assert_memory_equal(buf, cipher, 64);
	}
	for (int round = 0; round < 2; round++) {
		memcpy(buf, cipher, 64);
		assert_int_equal(
		        crypto_cipher_decrypt(c, NULL, 0, iv, buf, 64, NULL),
		        0);
		assert_memory_equal(buf, plain, 64);
	}
	crypto_cipher_free(c);
}

/*
 * With an empty payload and the RFC 4231 key zero-padded to 32 bytes (HMAC
 * pads short keys with zeros, so the MAC is unchanged), aad | iv is the
 * test message, so the ICV must be the first 16 bytes of its HMAC-SHA-256.
 */
static void hmac_sha256_icv_rfc4231(void **state)
{
	const char data[] = "what do ya want for nothing?"; /* 28 bytes */
	uint8_t integ_key[32] = {'J', 'e', 'f', 'e'};
	uint8_t key[16] = {0}, expected[32], icv[16];
	struct crypto_cipher *c = NULL;

	assert_int_equal(hex_decode("5bdcc146bf60754e6a042426089575c7"
	                            "5a003f089d2739839dec58b964ec3843",
	                            expected, 32),
	                 32);
	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_CBC, 128,
	                                   INTEG_HMAC_SHA2_256_128, key, 16,
	                                   integ_key, 32, &c),
	                 0);
	assert_int_equal(crypto_cipher_icv_len(c), 16);
	assert_int_equal(crypto_cipher_encrypt(c, (const uint8_t *)data, 12,
	                                       (const uint8_t *)data + 12, NULL,
	                                       0, icv),
	                 0);
	assert_memory_equal(icv, expected, 16);
	assert_int_equal(crypto_cipher_decrypt(c, (const uint8_t *)data, 12,
	                                       (const uint8_t *)data + 12, NULL,
	                                       0, expected),
	                 0);
	crypto_cipher_free(c);
}

struct integ_case {
	uint16_t integ_id;
	size_t key_len;
	size_t icv_len;
};

static const struct integ_case integ_cases[] = {
        {INTEG_HMAC_SHA2_256_128, 32, 16},
        {INTEG_HMAC_SHA2_384_192, 48, 24},
        {INTEG_HMAC_SHA2_512_256, 64, 32},
};

/* Round trip, then a flipped bit in each covered part gives -EBADMSG. */
static void check_round_trip(const struct integ_case *ic)
{
	uint8_t key[32], integ_key[64], iv[16], aad[8], plain[48], buf[48];
	uint8_t icv[32], bad[32], sealed[48];
	struct crypto_cipher *c = NULL;

	for (size_t i = 0; i < sizeof(integ_key); i++)
		integ_key[i] = (uint8_t)(0xa0 + i);
	memset(key, 0x11, sizeof(key));
	memset(iv, 0x22, sizeof(iv));
	memset(aad, 0x33, sizeof(aad));
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)i;

	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_CBC, 256,
	                                   ic->integ_id, key, 32, integ_key,
	                                   ic->key_len, &c),
	                 0);
	assert_int_equal(crypto_cipher_icv_len(c), ic->icv_len);
	memcpy(buf, plain, sizeof(buf));
	assert_int_equal(crypto_cipher_encrypt(c, aad, 8, iv, buf, 48, icv), 0);
	assert_memory_not_equal(buf, plain, 48);
	memcpy(sealed, buf, sizeof(sealed));

	/* A flipped ciphertext bit: rejected and buf left as it was. */
	buf[47] ^= 0x01;
	assert_int_equal(crypto_cipher_decrypt(c, aad, 8, iv, buf, 48, icv),
	                 -EBADMSG);
	buf[47] ^= 0x01;

	aad[3] ^= 0x01;
	assert_int_equal(crypto_cipher_decrypt(c, aad, 8, iv, buf, 48, icv),
	                 -EBADMSG);
	aad[3] ^= 0x01;

	iv[0] ^= 0x01;
	assert_int_equal(crypto_cipher_decrypt(c, aad, 8, iv, buf, 48, icv),
	                 -EBADMSG);
	iv[0] ^= 0x01;

	memcpy(bad, icv, ic->icv_len);
	bad[ic->icv_len - 1] ^= 0x80;
	assert_int_equal(crypto_cipher_decrypt(c, aad, 8, iv, buf, 48, bad),
	                 -EBADMSG);

	assert_int_equal(crypto_cipher_decrypt(c, aad, 8, iv, buf, 48, icv), 0);
	assert_memory_equal(buf, plain, 48);
	crypto_cipher_free(c);
}

static void cbc_hmac_sha256_round_trip(void **state)
{
	check_round_trip(&integ_cases[0]);
}

static void cbc_hmac_sha384_round_trip(void **state)
{
	check_round_trip(&integ_cases[1]);
}

static void cbc_hmac_sha512_round_trip(void **state)
{
	check_round_trip(&integ_cases[2]);
}

static void cbc_partial_block_rejected(void **state)
{
	uint8_t key[16] = {0}, integ_key[32] = {0}, iv[16] = {0};
	uint8_t buf[20] = {0}, icv[16];
	struct crypto_cipher *c = NULL;

	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_CBC, 128,
	                                   INTEG_HMAC_SHA2_256_128, key, 16,
	                                   integ_key, 32, &c),
	                 0);
	assert_int_equal(crypto_cipher_encrypt(c, NULL, 0, iv, buf, 20, icv),
	                 -EINVAL);
	assert_int_equal(crypto_cipher_decrypt(c, NULL, 0, iv, buf, 20, icv),
	                 -EINVAL);
	crypto_cipher_free(c);
}

static void cbc_bad_key_lengths_rejected(void **state)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t key[32] = {0}, integ_key[64] = {0};
	struct crypto_cipher *c = NULL;

	assert_int_equal(crypto_cipher_new(p, ENCR_AES_CBC, 128,
	                                   INTEG_HMAC_SHA2_256_128, key, 32,
	                                   integ_key, 32, &c),
	                 -EINVAL);
	assert_int_equal(crypto_cipher_new(p, ENCR_AES_CBC, 128,
	                                   INTEG_HMAC_SHA2_384_192, key, 16,
	                                   integ_key, 32, &c),
	                 -EINVAL);
	assert_int_equal(crypto_cipher_new(p, ENCR_AES_CBC, 128, 2, key, 16,
	                                   integ_key, 20, &c),
	                 -ENOTSUP);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(cbc256_sp800_38a),
	        cmocka_unit_test(hmac_sha256_icv_rfc4231),
	        cmocka_unit_test(cbc_hmac_sha256_round_trip),
	        cmocka_unit_test(cbc_hmac_sha384_round_trip),
	        cmocka_unit_test(cbc_hmac_sha512_round_trip),
	        cmocka_unit_test(cbc_partial_block_rejected),
	        cmocka_unit_test(cbc_bad_key_lengths_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
