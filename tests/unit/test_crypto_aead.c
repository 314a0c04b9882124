// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * AEAD ciphers through crypto_cipher.  The 12-byte nonce of each published
 * vector is split as IKEv2 and ESP use it: the first 4 bytes are the salt
 * at the end of the key material, the last 8 the per-packet IV.
 * Sources: AES-GCM test cases 3, 4, 15 and 16 of McGrew and Viega, "The
 * Galois/Counter Mode of Operation (GCM)", 2005; ChaCha20-Poly1305 from
 * RFC 8439 section 2.8.2.
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

struct aead_vector {
	uint16_t encr_id;
	uint16_t key_bits;
	const char *key;
	const char *nonce;
	const char *aad;
	const char *plaintext;
	const char *ciphertext;
	const char *tag;
};

#define GCM_KEY128 "feffe9928665731c6d6a8f9467308308"
#define GCM_NONCE  "cafebabefacedbaddecaf888"
#define GCM_AAD    "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_PLAIN60                                                            \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"     \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"

static const struct aead_vector gcm_case3 = {
        ENCR_AES_GCM_16,
        128,
        GCM_KEY128,
        GCM_NONCE,
        "",
        GCM_PLAIN60 "1aafd255",
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
        "4d5c2af327cd64a62cf35abd2ba6fab4"};

static const struct aead_vector gcm_case4 = {
        ENCR_AES_GCM_16,
        128,
        GCM_KEY128,
        GCM_NONCE,
        GCM_AAD,
        GCM_PLAIN60,
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        "5bc94fbc3221a5db94fae95ae7121a47"};

static const struct aead_vector gcm_case15 = {
        ENCR_AES_GCM_16,
        256,
        GCM_KEY128 GCM_KEY128,
        GCM_NONCE,
        "",
        GCM_PLAIN60 "1aafd255",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
        "b094dac5d93471bdec1a502270e3cc6c"};

static const struct aead_vector gcm_case16 = {
        ENCR_AES_GCM_16,
        256,
        GCM_KEY128 GCM_KEY128,
        GCM_NONCE,
        GCM_AAD,
        GCM_PLAIN60,
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b"};

/* "Ladies and Gentlemen of the class of '99: If I could offer you ..." */
static const struct aead_vector chacha_rfc8439 = {
        ENCR_CHACHA20_POLY1305,
        256,
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
        "070000004041424344454647",
        "50515253c0c1c2c3c4c5c6c7",
        "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
        "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
        "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
        "637265656e20776f756c642062652069742e",
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
        "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
        "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        "3ff4def08e4b7a9de576d26586cec64b6116",
        "1ae10b594f09e26a7e902ecbd0600691"};

struct decoded {
	uint8_t keymat[36], nonce[12], aad[32], plain[128], cipher[128];
	uint8_t tag[16];
	size_t keymat_len, aad_len, len;
};

/* Decodes a vector; the keymat is key | salt, salt = nonce[0..3]. */
static void decode(const struct aead_vector *v, struct decoded *d)
{
	size_t key_len = hex_decode(v->key, d->keymat, 32);

	assert_true(key_len == 16 || key_len == 32);
	assert_int_equal(hex_decode(v->nonce, d->nonce, 12), 12);
	memcpy(d->keymat + key_len, d->nonce, 4);
	d->keymat_len = key_len + 4;
	d->aad_len = hex_decode(v->aad, d->aad, sizeof(d->aad));
	d->len = hex_decode(v->plaintext, d->plain, sizeof(d->plain));
	assert_true(d->len > 0);
	assert_int_equal(hex_decode(v->ciphertext, d->cipher, 128), d->len);
	assert_int_equal(hex_decode(v->tag, d->tag, 16), 16);
}

static struct crypto_cipher *cipher_for(const struct aead_vector *v,
                                        const struct decoded *d)
{
	struct crypto_cipher *c = NULL;

	assert_int_equal(crypto_cipher_new(crypto_default(), v->encr_id,
	                                   v->key_bits, INTEG_NONE, d->keymat,
	                                   d->keymat_len, NULL, 0, &c),
	                 0);
	assert_int_equal(crypto_cipher_iv_len(c), 8);
	assert_int_equal(crypto_cipher_icv_len(c), 16);
	assert_int_equal(crypto_cipher_block_len(c), 4);
	return c;
}

/* Encrypts twice with one context, then decrypts, then rejects a bad tag. */
static void check_vector(const struct aead_vector *v)
{
	struct decoded d;
	struct crypto_cipher *c;
	uint8_t buf[128], icv[16];
	const uint8_t *iv;

	decode(v, &d);
	iv = d.nonce + 4;
	c = cipher_for(v, &d);
	for (int round = 0; round < 2; round++) {
		memcpy(buf, d.plain, d.len);
		assert_int_equal(crypto_cipher_encrypt(c, d.aad, d.aad_len, iv,
		                                       buf, d.len, icv),
		                 0);
		assert_memory_equal(buf, d.cipher, d.len);
		assert_memory_equal(icv, d.tag, 16);
	}

	assert_int_equal(crypto_cipher_decrypt(c, d.aad, d.aad_len, iv, buf,
	                                       d.len, d.tag),
	                 0);
	assert_memory_equal(buf, d.plain, d.len);

	memcpy(buf, d.cipher, d.len);
	icv[0] = d.tag[0] ^ 0x01;
	memcpy(icv + 1, d.tag + 1, 15);
	assert_int_equal(
	        crypto_cipher_decrypt(c, d.aad, d.aad_len, iv, buf, d.len, icv),
	        -EBADMSG);
	/* No unauthenticated plaintext is left in the buffer. */
	for (size_t i = 0; i < d.len; i++)
		assert_int_equal(buf[i], 0);
	crypto_cipher_free(c);
}

static void gcm128_case3(void **state)
{
	check_vector(&gcm_case3);
}

static void gcm128_case4_with_aad(void **state)
{
	check_vector(&gcm_case4);
}

static void gcm256_case15(void **state)
{
	check_vector(&gcm_case15);
}

static void gcm256_case16_with_aad(void **state)
{
	check_vector(&gcm_case16);
}

static void chacha20_poly1305_rfc8439(void **state)
{
	check_vector(&chacha_rfc8439);
}

static void aead_flipped_aad_rejected(void **state)
{
	struct decoded d;
	struct crypto_cipher *c;
	uint8_t buf[128];

	decode(&gcm_case4, &d);
	c = cipher_for(&gcm_case4, &d);
	memcpy(buf, d.cipher, d.len);
	d.aad[0] ^= 0x80;
	assert_int_equal(crypto_cipher_decrypt(c, d.aad, d.aad_len, d.nonce + 4,
	                                       buf, d.len, d.tag),
	                 -EBADMSG);
	crypto_cipher_free(c);
}

static void aead_bad_parameters_rejected(void **state)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t key[36] = {0}, integ[32] = {0};
	struct crypto_cipher *c = NULL;

	/* AEAD with a separate integrity transform. */
	assert_int_equal(crypto_cipher_new(p, ENCR_AES_GCM_16, 128,
	                                   INTEG_HMAC_SHA2_256_128, key, 20,
	                                   integ, 32, &c),
	                 -EINVAL);
	/* Key material without the 4-byte salt. */
	assert_int_equal(crypto_cipher_new(p, ENCR_AES_GCM_16, 128, INTEG_NONE,
	                                   key, 16, NULL, 0, &c),
	                 -EINVAL);
	assert_int_equal(crypto_cipher_new(p, ENCR_AES_GCM_16, 192, INTEG_NONE,
	                                   key, 28, NULL, 0, &c),
	                 -ENOTSUP);
	assert_int_equal(crypto_cipher_new(p, ENCR_CHACHA20_POLY1305, 128,
	                                   INTEG_NONE, key, 20, NULL, 0, &c),
	                 -ENOTSUP);
	assert_null(c);
	/* ChaCha20-Poly1305 has no key length attribute: 0 means 256. */
	assert_int_equal(crypto_cipher_new(p, ENCR_CHACHA20_POLY1305, 0,
	                                   INTEG_NONE, key, 36, NULL, 0, &c),
	                 0);
	crypto_cipher_free(c);
}

static void transform_sizes(void **state)
{
	assert_int_equal(crypto_encr_keymat_len(ENCR_AES_GCM_16, 128), 20);
	assert_int_equal(crypto_encr_keymat_len(ENCR_AES_GCM_16, 256), 36);
	assert_int_equal(crypto_encr_keymat_len(ENCR_CHACHA20_POLY1305, 256),
	                 36);
	assert_int_equal(crypto_encr_keymat_len(ENCR_AES_CBC, 128), 16);
	assert_int_equal(crypto_encr_keymat_len(ENCR_AES_CBC, 256), 32);
	assert_int_equal(crypto_encr_keymat_len(ENCR_AES_CBC, 192), 0);
	assert_int_equal(crypto_encr_keymat_len(3, 128), 0);
	assert_int_equal(crypto_integ_key_len(INTEG_HMAC_SHA2_256_128), 32);
	assert_int_equal(crypto_integ_key_len(INTEG_HMAC_SHA2_384_192), 48);
	assert_int_equal(crypto_integ_key_len(INTEG_HMAC_SHA2_512_256), 64);
	assert_int_equal(crypto_integ_key_len(INTEG_NONE), 0);
	assert_int_equal(crypto_integ_icv_len(INTEG_HMAC_SHA2_384_192), 24);
	assert_true(crypto_encr_is_aead(ENCR_AES_GCM_16));
	assert_true(crypto_encr_is_aead(ENCR_CHACHA20_POLY1305));
	assert_false(crypto_encr_is_aead(ENCR_AES_CBC));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(gcm128_case3),
	        cmocka_unit_test(gcm128_case4_with_aad),
	        cmocka_unit_test(gcm256_case15),
	        cmocka_unit_test(gcm256_case16_with_aad),
	        cmocka_unit_test(chacha20_poly1305_rfc8439),
	        cmocka_unit_test(aead_flipped_aad_rejected),
	        cmocka_unit_test(aead_bad_parameters_rejected),
	        cmocka_unit_test(transform_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
