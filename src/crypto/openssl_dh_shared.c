// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Validation of a peer's KE value and derivation of g^ir.  Every group
 * first requires the exact public value length.  MODP then requires
 * 1 < y < p-1 and passes OpenSSL's subgroup check y^q = 1 mod p.  ECP
 * requires a point on the curve (RFC 5903).  X25519 rejects an all-zero
 * result, which covers the low-order points (RFC 7748 section 6.1).
 */
#include "crypto/openssl_dh.h"
#include "crypto/openssl_provider.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "util/secure.h"

/* Imports a public key from params; OpenSSL decodes and checks the value. */
static int peer_from_params(const struct dh_group *g, OSSL_PARAM *params,
                            EVP_PKEY **peer)
{
	EVP_PKEY_CTX *ctx;
	int ok;

	ctx = EVP_PKEY_CTX_new_from_name(NULL, openssl_dh_key_type(g), NULL);
	if (!ctx)
		return -EIO;
	ok = EVP_PKEY_fromdata_init(ctx) == 1 &&
	     EVP_PKEY_fromdata(ctx, peer, EVP_PKEY_PUBLIC_KEY, params) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -EBADMSG;
}

/* Runs OpenSSL's full public key check (on curve, subgroup membership). */
static int peer_check(EVP_PKEY *peer)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL);
	int ok;

	if (!ctx)
		return -EIO;
	ok = EVP_PKEY_public_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -EBADMSG;
}

static int peer_ecp(const struct dh_group *g, const uint8_t *value,
                    EVP_PKEY **peer)
{
	uint8_t point[1 + 96];
	OSSL_PARAM params[3];
	int ret;

	point[0] = 0x04; /* uncompressed: x | y follows */
	memcpy(point + 1, value, g->public_len);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                             (char *)g->group_name, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	                                              point, 1 + g->public_len);
	params[2] = OSSL_PARAM_construct_end();

	ret = peer_from_params(g, params, peer);
	if (ret == 0)
		ret = peer_check(*peer);
	return ret;
}

/* Checks 1 < y < p-1, because 0, 1 and p-1 force g^ir to a known value. */
static int modp_range_check(const struct crypto_dh *dh, const BIGNUM *y)
{
	BIGNUM *p = NULL;
	int ret = -EBADMSG;

	if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_P, &p) != 1)
		return -EIO;
	if (!BN_sub_word(p, 1)) {
		ret = -EIO;
		goto out;
	}
	if (BN_cmp(y, BN_value_one()) > 0 && BN_cmp(y, p) < 0)
		ret = 0;
out:
	BN_free(p);
	return ret;
}

static int peer_modp(const struct crypto_dh *dh, const uint8_t *value,
                     EVP_PKEY **peer)
{
	const struct dh_group *g = dh->group;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	BIGNUM *y;
	int ret = -EIO;

	y = BN_bin2bn(value, (int)g->public_len, NULL);
	if (!y)
		return -ENOMEM;
	ret = modp_range_check(dh, y);
	if (ret)
		goto out;

	ret = -EIO;
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	                                     g->group_name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params)
		goto out;

	ret = peer_from_params(g, params, peer);
	if (ret == 0)
		ret = peer_check(*peer);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	return ret;
}

static int peer_import(const struct crypto_dh *dh, const uint8_t *value,
                       EVP_PKEY **peer)
{
	const struct dh_group *g = dh->group;

	switch (g->kind) {
	case DH_KIND_MODP:
		return peer_modp(dh, value, peer);
	case DH_KIND_ECP:
		return peer_ecp(g, value, peer);
	default:
		*peer = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL,
		                                       value, g->public_len);
		return *peer ? 0 : -EBADMSG;
	}
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

/*
 * Derives g^ir into out (g->shared_len bytes).  OpenSSL's X25519 fails the
 * derivation when the result is all zeros, so for X25519 a failure here
 * means a low-order peer value and returns -EBADMSG.
 */
static int derive(const struct crypto_dh *dh, EVP_PKEY *peer, uint8_t *out)
{
	const struct dh_group *g = dh->group;
	size_t len = g->shared_len;
	EVP_PKEY_CTX *ctx;
	int ret = -EIO;

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (!ctx)
		return -ENOMEM;
	if (EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	/* Keep leading zero bytes: g^ir is padded to the length of p. */
	if (g->kind == DH_KIND_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) != 1)
		goto out;
	if (EVP_PKEY_derive_set_peer(ctx, peer) != 1) {
		ret = -EBADMSG;
		goto out;
	}
	if (EVP_PKEY_derive(ctx, out, &len) != 1) {
		ret = g->kind == DH_KIND_X25519 ? -EBADMSG : -EIO;
		goto out;
	}
	if (len != g->shared_len)
		goto out;
	ret = 0;
	if (g->kind == DH_KIND_X25519 && all_zero(out, len))
		ret = -EBADMSG;
out:
	if (ret)
		secure_zero(out, g->shared_len);
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

int openssl_dh_shared(struct crypto_dh *dh, const uint8_t *peer,
                      size_t peer_len, uint8_t *out, size_t *out_len)
{
	const struct dh_group *g = dh->group;
	EVP_PKEY *peer_key = NULL;
	int ret;

	if (!peer || peer_len != g->public_len)
		return -EBADMSG;
	if (*out_len < g->shared_len)
		return -EINVAL;

	ret = peer_import(dh, peer, &peer_key);
	if (ret == 0)
		ret = derive(dh, peer_key, out);
	EVP_PKEY_free(peer_key);
	if (ret == 0)
		*out_len = g->shared_len;
	return ret;
}
