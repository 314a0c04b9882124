// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Key exchange through the provider.  X25519 known-answer vectors come from
 * RFC 7748: section 5.2 (single scalar multiplications) and section 6.1
 * (Alice and Bob).  ECP and MODP are checked by two key pairs agreeing and
 * by invalid peer values being rejected with -EBADMSG.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>

#include "crypto/crypto.h"
#include "test_crypto_hex.h"

#define ALICE_PRIVATE                                                          \
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define ALICE_PUBLIC                                                           \
	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define BOB_PRIVATE                                                            \
	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define BOB_PUBLIC                                                             \
	"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define ALICE_BOB_SHARED                                                       \
	"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

static struct crypto_dh *x25519_from_hex(const char *priv_hex)
{
	uint8_t priv[32];
	struct crypto_dh *dh = NULL;

	assert_int_equal(hex_decode(priv_hex, priv, 32), 32);
	assert_int_equal(crypto_dh_new_from_private(crypto_default(), DH_X25519,
	                                            priv, 32, &dh),
	                 0);
	return dh;
}

static void check_x25519(const char *priv_hex, const char *peer_hex,
                         const char *expected_hex)
{
	const struct crypto_provider *p = crypto_default();
	struct crypto_dh *dh = x25519_from_hex(priv_hex);
	uint8_t peer[32], expected[32], out[32];
	size_t out_len = sizeof(out);

	assert_int_equal(hex_decode(peer_hex, peer, 32), 32);
	assert_int_equal(hex_decode(expected_hex, expected, 32), 32);
	assert_int_equal(p->dh_shared(dh, peer, 32, out, &out_len), 0);
	assert_int_equal(out_len, 32);
	assert_memory_equal(out, expected, 32);
	p->dh_free(dh);
}

static void x25519_rfc7748_scalar_mult(void **state)
{
	check_x25519("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244b"
	             "a449ac4",
	             "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d"
	             "0ab1c4c",
	             "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b407557"
	             "7a28552");
	/* This u has its top bit set, which X25519 must ignore. */
	check_x25519("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7"
	             "918ba0d",
	             "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c"
	             "715a493",
	             "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647"
	             "aac7957");
}

static void check_public(struct crypto_dh *dh, const char *expected_hex)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t expected[32], out[32];
	size_t out_len = sizeof(out);

	assert_int_equal(hex_decode(expected_hex, expected, 32), 32);
	assert_int_equal(p->dh_public(dh, out, &out_len), 0);
	assert_int_equal(out_len, 32);
	assert_memory_equal(out, expected, 32);
}

static void x25519_rfc7748_alice_bob(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct crypto_dh *alice = x25519_from_hex(ALICE_PRIVATE);
	struct crypto_dh *bob = x25519_from_hex(BOB_PRIVATE);

	assert_int_equal(p->dh_public_len(DH_X25519), 32);
	check_public(alice, ALICE_PUBLIC);
	check_public(bob, BOB_PUBLIC);
	p->dh_free(alice);
	p->dh_free(bob);
	check_x25519(ALICE_PRIVATE, BOB_PUBLIC, ALICE_BOB_SHARED);
	check_x25519(BOB_PRIVATE, ALICE_PUBLIC, ALICE_BOB_SHARED);
}

/*
 * u-coordinates of small order on Curve25519 and its twist: 0, 1, the two
 * points of order 8 and p-1, then p and p+1 (non-canonical 0 and 1) and 0
 * with the ignored top bit set.  A clamped scalar is a multiple of 8, so
 * each gives the all-zero result.
 */
static const char *const x25519_low_order[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
};

static void x25519_low_order_rejected(void **state)
{
	const struct crypto_provider *p = crypto_default();
	struct crypto_dh *dh = x25519_from_hex(ALICE_PRIVATE);
	uint8_t peer[32], out[32];

	for (size_t i = 0; i < sizeof(x25519_low_order) / sizeof(char *); i++) {
		size_t out_len = sizeof(out);

		assert_int_equal(hex_decode(x25519_low_order[i], peer, 32), 32);
		assert_int_equal(p->dh_shared(dh, peer, 32, out, &out_len),
		                 -EBADMSG);
	}
	p->dh_free(dh);
}

/* Two fresh key pairs must derive the same secret of shared_len bytes. */
static void check_agreement(uint16_t dh_id, size_t public_len,
                            size_t shared_len)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t pub_a[CRYPTO_MAX_DH_PUBLIC], pub_b[CRYPTO_MAX_DH_PUBLIC];
	uint8_t shared_a[CRYPTO_MAX_DH_SHARED], shared_b[CRYPTO_MAX_DH_SHARED];
	size_t len_a = sizeof(pub_a), len_b = sizeof(pub_b);
	size_t shared_len_a = sizeof(shared_a), shared_len_b = sizeof(shared_b);
	struct crypto_dh *a, *b;

	assert_int_equal(p->dh_public_len(dh_id), public_len);
	assert_int_equal(p->dh_new(dh_id, &a), 0);
	assert_int_equal(p->dh_new(dh_id, &b), 0);
	assert_int_equal(p->dh_public(a, pub_a, &len_a), 0);
	assert_int_equal(p->dh_public(b, pub_b, &len_b), 0);
	assert_int_equal(len_a, public_len);
	assert_int_equal(len_b, public_len);
	assert_memory_not_equal(pub_a, pub_b, public_len);

	assert_int_equal(p->dh_shared(a, pub_b, len_b, shared_a, &shared_len_a),
	                 0);
	assert_int_equal(p->dh_shared(b, pub_a, len_a, shared_b, &shared_len_b),
	                 0);
	assert_int_equal(shared_len_a, shared_len);
	assert_int_equal(shared_len_b, shared_len);
	assert_memory_equal(shared_a, shared_b, shared_len);
	p->dh_free(a);
	p->dh_free(b);
}

static void x25519_agreement(void **state)
{
	check_agreement(DH_X25519, 32, 32);
}

/* RFC 5903: the public value is x | y, the shared secret is x. */
static void ecp256_agreement(void **state)
{
	check_agreement(DH_ECP256, 64, 32);
}

static void ecp384_agreement(void **state)
{
	check_agreement(DH_ECP384, 96, 48);
}

static void modp2048_agreement(void **state)
{
	check_agreement(DH_MODP2048, 256, 256);
}

static void modp3072_agreement(void **state)
{
	check_agreement(DH_MODP3072, 384, 384);
}

static int shared_with(struct crypto_dh *dh, const uint8_t *peer, size_t len)
{
	uint8_t out[CRYPTO_MAX_DH_SHARED];
	size_t out_len = sizeof(out);

	return crypto_default()->dh_shared(dh, peer, len, out, &out_len);
}

static void ecp256_invalid_points_rejected(void **state)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t pub[65];
	size_t len = 64;
	struct crypto_dh *dh;

	assert_int_equal(p->dh_new(DH_ECP256, &dh), 0);
	assert_int_equal(p->dh_public(dh, pub, &len), 0);
	assert_int_equal(shared_with(dh, pub, 64), 0);

	/* A changed y leaves the point off the curve. */
	pub[63] ^= 0x01;
	assert_int_equal(shared_with(dh, pub, 64), -EBADMSG);
	pub[63] ^= 0x01;

	/* (0, 0) is not on P-256 (b is not 0). */
	memset(pub, 0, 64);
	assert_int_equal(shared_with(dh, pub, 64), -EBADMSG);

	/* Wrong lengths, including the 0x04-prefixed SEC 1 form. */
	assert_int_equal(shared_with(dh, pub, 63), -EBADMSG);
	assert_int_equal(shared_with(dh, pub, 65), -EBADMSG);
	assert_int_equal(shared_with(dh, pub, 0), -EBADMSG);
	p->dh_free(dh);
}

/* Writes the RFC 3526 2048-bit prime plus delta, big-endian, to out. */
static void modp2048_prime_plus(long delta, uint8_t out[256])
{
	BIGNUM *prime = BN_get_rfc3526_prime_2048(NULL);

	assert_non_null(prime);
	if (delta < 0)
		assert_true(BN_sub_word(prime, (BN_ULONG)-delta));
	else
		assert_true(BN_add_word(prime, (BN_ULONG)delta));
	assert_int_equal(BN_bn2binpad(prime, out, 256), 256);
	BN_free(prime);
}

static void modp2048_invalid_values_rejected(void **state)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t y[257] = {0};
	struct crypto_dh *dh;

	assert_int_equal(p->dh_new(DH_MODP2048, &dh), 0);

	assert_int_equal(shared_with(dh, y, 256), -EBADMSG); /* y = 0 */
	y[255] = 1;
	assert_int_equal(shared_with(dh, y, 256), -EBADMSG); /* y = 1 */
	y[255] = 2;
	assert_int_equal(shared_with(dh, y, 256), 0); /* y = g */

	modp2048_prime_plus(-1, y);
	assert_int_equal(shared_with(dh, y, 256), -EBADMSG);
	/* p-2 = -2 is in range, but outside the subgroup of order q. */
	modp2048_prime_plus(-2, y);
	assert_int_equal(shared_with(dh, y, 256), -EBADMSG);
	modp2048_prime_plus(0, y);
	assert_int_equal(shared_with(dh, y, 256), -EBADMSG);
	memset(y, 0xff, 256);
	assert_int_equal(shared_with(dh, y, 256), -EBADMSG);

	/* y = 2 with one byte of padding too many or too few. */
	memset(y, 0, sizeof(y));
	y[256] = 2;
	assert_int_equal(shared_with(dh, y, 257), -EBADMSG);
	assert_int_equal(shared_with(dh, y + 2, 255), -EBADMSG);
	p->dh_free(dh);
}

static void dh_buffers_and_ids_checked(void **state)
{
	const struct crypto_provider *p = crypto_default();
	uint8_t buf[64], priv[32] = {1};
	size_t len = 31;
	struct crypto_dh *dh = NULL;

	assert_int_equal(p->dh_new(DH_NONE, &dh), -ENOTSUP);
	assert_int_equal(p->dh_new(2, &dh), -ENOTSUP);
	assert_null(dh);
	assert_int_equal(p->dh_public_len(2), 0);
	assert_int_equal(
	        crypto_dh_new_from_private(p, DH_ECP256, priv, 32, &dh),
	        -ENOTSUP);
	assert_int_equal(
	        crypto_dh_new_from_private(p, DH_X25519, priv, 31, &dh),
	        -EINVAL);

	assert_int_equal(p->dh_new(DH_X25519, &dh), 0);
	assert_int_equal(p->dh_public(dh, buf, &len), -EINVAL);
	len = 32;
	assert_int_equal(p->dh_public(dh, buf, &len), 0);
	len = 31;
	assert_int_equal(p->dh_shared(dh, buf, 32, buf + 32, &len), -EINVAL);
	p->dh_free(dh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(x25519_rfc7748_scalar_mult),
	        cmocka_unit_test(x25519_rfc7748_alice_bob),
	        cmocka_unit_test(x25519_low_order_rejected),
	        cmocka_unit_test(x25519_agreement),
	        cmocka_unit_test(ecp256_agreement),
	        cmocka_unit_test(ecp384_agreement),
	        cmocka_unit_test(modp2048_agreement),
	        cmocka_unit_test(modp3072_agreement),
	        cmocka_unit_test(ecp256_invalid_points_rejected),
	        cmocka_unit_test(modp2048_invalid_values_rejected),
	        cmocka_unit_test(dh_buffers_and_ids_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
