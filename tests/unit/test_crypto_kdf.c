// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IKEv2 key derivation against the NIST ACVP IKEv2 KDF vector (tcId 100,
 * PRF HMAC-SHA1) from libreswan's programs/cavp, copied to tests/data/kdf:
 * the .run file contains the inputs and the .json file the five outputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/kdf.h"
#include "test_crypto_hex.h"

#define KDF_DIR CREST_TEST_DATA "/kdf/"

struct acvp_vector {
	uint8_t ni[64], nr[64], gir[64], gir_new[64];
	size_t ni_len, nr_len, gir_len, gir_new_len;
	uint64_t spi_i, spi_r;
	uint8_t skeyseed[20], rekey_skeyseed[20];
	uint8_t dkm[132], dkm_child[132], dkm_child_dh[132];
};

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

/*
 * Finds `prefix` at the start of a line (the .run file's "Name = hex")
 * or after a JSON key and decodes the hex value that follows it.
 */
static size_t field_hex(const char *text, const char *prefix, uint8_t *out,
                        size_t cap)
{
	const char *at = strstr(text, prefix);
	char value[1024];
	size_t n = 0;

	assert_non_null(at);
	at += strlen(prefix);
	while (hex_nibble(*at) >= 0 && n + 1 < sizeof(value))
		value[n++] = *at++;
	value[n] = '\0';
	return hex_decode(value, out, cap);
}

static uint64_t be64(const uint8_t b[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void load_vector(struct acvp_vector *v)
{
	char *run = read_text(KDF_DIR "test.acvp.ikev2.run");
	char *json = read_text(KDF_DIR "test.acvp.ikev2.json");
	uint8_t spi[8];

	v->ni_len = field_hex(run, "\nNi = ", v->ni, sizeof(v->ni));
	v->nr_len = field_hex(run, "\nNr = ", v->nr, sizeof(v->nr));
	v->gir_len = field_hex(run, "\ng^ir = ", v->gir, sizeof(v->gir));
	v->gir_new_len = field_hex(run, "\ng^ir (new) = ", v->gir_new,
	                           sizeof(v->gir_new));
	assert_int_equal(v->ni_len, 8);
	assert_int_equal(v->nr_len, 8);
	assert_int_equal(v->gir_len, 32);
	assert_int_equal(v->gir_new_len, 32);
	assert_int_equal(field_hex(run, "\nSPIi = ", spi, 8), 8);
	v->spi_i = be64(spi);
	assert_int_equal(field_hex(run, "\nSPIr = ", spi, 8), 8);
	v->spi_r = be64(spi);

	assert_int_equal(field_hex(json, "\"sKeySeed\": \"", v->skeyseed, 20),
	                 20);
	assert_int_equal(
	        field_hex(json, "\"sKeySeedReKey\": \"", v->rekey_skeyseed, 20),
	        20);
	assert_int_equal(
	        field_hex(json, "\"derivedKeyingMaterial\": \"", v->dkm, 132),
	        132);
	assert_int_equal(field_hex(json, "\"derivedKeyingMaterialChild\": \"",
	                           v->dkm_child, 132),
	                 132);
	assert_int_equal(field_hex(json, "\"derivedKeyingMaterialDh\": \"",
	                           v->dkm_child_dh, 132),
	                 132);
	free(run);
	free(json);
}

static void kdf_acvp_skeyseed(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct acvp_vector v;
	uint8_t out[20];

	load_vector(&v);
	assert_int_equal(kdf_skeyseed(p, PRF_HMAC_SHA1, v.ni, v.ni_len, v.nr,
	                              v.nr_len, v.gir, v.gir_len, out),
	                 0);
	assert_memory_equal(out, v.skeyseed, sizeof(out));
}

static void kdf_acvp_ike_keymat(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct acvp_vector v;
	uint8_t out[132];

	load_vector(&v);
	assert_int_equal(kdf_ike_keymat(p, PRF_HMAC_SHA1, v.skeyseed, 20, v.ni,
	                                v.ni_len, v.nr, v.nr_len, v.spi_i,
	                                v.spi_r, out, sizeof(out)),
	                 0);
	assert_memory_equal(out, v.dkm, sizeof(out));
}

/* SK_d is the first prf_len (20) bytes of the IKE SA's DKM. */
static void kdf_acvp_child_keymat(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct acvp_vector v;
	uint8_t out[132];

	load_vector(&v);
	assert_int_equal(kdf_child_keymat(p, PRF_HMAC_SHA1, v.dkm, 20, NULL, 0,
	                                  v.ni, v.ni_len, v.nr, v.nr_len, out,
	                                  sizeof(out)),
	                 0);
	assert_memory_equal(out, v.dkm_child, sizeof(out));
}

static void kdf_acvp_child_keymat_dh(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct acvp_vector v;
	uint8_t out[132];

	load_vector(&v);
	assert_int_equal(kdf_child_keymat(p, PRF_HMAC_SHA1, v.dkm, 20,
	                                  v.gir_new, v.gir_new_len, v.ni,
	                                  v.ni_len, v.nr, v.nr_len, out,
	                                  sizeof(out)),
	                 0);
	assert_memory_equal(out, v.dkm_child_dh, sizeof(out));
}

static void kdf_acvp_rekey_skeyseed(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct acvp_vector v;
	uint8_t out[20];

	load_vector(&v);
	assert_int_equal(kdf_rekey_skeyseed(p, PRF_HMAC_SHA1, v.dkm, 20,
	                                    v.gir_new, v.gir_new_len, v.ni,
	                                    v.ni_len, v.nr, v.nr_len, out),
	                 0);
	assert_memory_equal(out, v.rekey_skeyseed, sizeof(out));
}

/* prf+ may produce at most 255 blocks (RFC 7296 2.13). */
static void prf_plus_length_limit(void **state)
{
	const struct crypto_provider *p = crypto_default();
	static uint8_t out[255 * 32 + 1];
	const uint8_t key[4] = {1, 2, 3, 4};

	assert_int_equal(kdf_prf_plus(p, PRF_HMAC_SHA2_256, key, sizeof(key),
	                              key, sizeof(key), out, 255 * 32),
	                 0);
	assert_int_equal(kdf_prf_plus(p, PRF_HMAC_SHA2_256, key, sizeof(key),
	                              key, sizeof(key), out, sizeof(out)),
	                 -EINVAL);
	assert_int_equal(kdf_prf_plus(p, 99, key, sizeof(key), key, sizeof(key),
	                              out, 32),
	                 -ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(kdf_acvp_skeyseed),
	        cmocka_unit_test(kdf_acvp_ike_keymat),
	        cmocka_unit_test(kdf_acvp_child_keymat),
	        cmocka_unit_test(kdf_acvp_child_keymat_dh),
	        cmocka_unit_test(kdf_acvp_rekey_skeyseed),
	        cmocka_unit_test(prf_plus_length_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
