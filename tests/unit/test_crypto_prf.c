// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PRFs through the provider: HMAC test case 2 (key "Jefe") of RFC 4231
 * section 4.3 for SHA-256, SHA-384 and SHA-512, and of RFC 2202 section 3
 * for SHA-1.
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

static const char jefe_key[] = "Jefe";
static const char jefe_data[] = "what do ya want for nothing?";

static void check_prf(uint16_t prf_id, const char *expected_hex)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t expected[CRYPTO_MAX_PRF_LEN];
	uint8_t out[CRYPTO_MAX_PRF_LEN];
	size_t len = hex_decode(expected_hex, expected, sizeof(expected));
	struct crypto_prf *prf;

	assert_int_equal(p->prf_len(prf_id), len);
	assert_int_equal(p->prf_new(prf_id, (const uint8_t *)jefe_key,
	                            strlen(jefe_key), &prf),
	                 0);
	/* A second computation must reuse the key, not lose it. */
	for (int round = 0; round < 2; round++) {
		memset(out, 0, sizeof(out));
		assert_int_equal(p->prf_compute(prf, (const uint8_t *)jefe_data,
		                                strlen(jefe_data), out),
		                 0);
		assert_memory_equal(out, expected, len);
	}
	p->prf_free(prf);
}

static void prf_hmac_sha1_rfc2202(void **state)
{
	check_prf(PRF_HMAC_SHA1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

static void prf_hmac_sha256_rfc4231(void **state)
{
	check_prf(PRF_HMAC_SHA2_256, "5bdcc146bf60754e6a042426089575c7"
	                             "5a003f089d2739839dec58b964ec3843");
}

static void prf_hmac_sha384_rfc4231(void **state)
{
	check_prf(PRF_HMAC_SHA2_384, "af45d2e376484031617f78d2b58a6b1b"
	                             "9c7ef464f5a01b47e42ec3736322445e"
	                             "8e2240ca5e69e2c78b3239ecfab21649");
}

static void prf_hmac_sha512_rfc4231(void **state)
{
	check_prf(PRF_HMAC_SHA2_512, "164b7a7bfcf819e2e395fbe73b56e0a3"
	                             "87bd64222e831fd610270cd7ea250554"
	                             "9758bf75c05a994a6d034f65f8f0e6fd"
	                             "caeab1a34d4a6b4b636e070a38bce737");
}

static void prf_unknown_id_rejected(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct crypto_prf *prf = NULL;

	assert_int_equal(p->prf_len(99), 0);
	assert_int_equal(p->prf_new(99, (const uint8_t *)jefe_key, 4, &prf),
	                 -ENOTSUP);
	assert_null(prf);
}

static void provider_lookup_by_name(void **state)
{
	assert_ptr_equal(crypto_provider_get("openssl"), crypto_default());
	assert_string_equal(crypto_default()->name, "openssl");
	assert_null(crypto_provider_get("none"));
	assert_null(crypto_provider_get(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(prf_hmac_sha1_rfc2202),
	        cmocka_unit_test(prf_hmac_sha256_rfc4231),
	        cmocka_unit_test(prf_hmac_sha384_rfc4231),
	        cmocka_unit_test(prf_hmac_sha512_rfc4231),
	        cmocka_unit_test(prf_unknown_id_rejected),
	        cmocka_unit_test(provider_lookup_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
