// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IKEv2 key exchange over OpenSSL 3 EVP_PKEY.  Public values use the IKEv2
 * encodings: MODP as big-endian y padded to the length of p (RFC 7296),
 * ECP as x | y without the 0x04 prefix (RFC 5903) and X25519 as the
 * 32-byte u-coordinate (RFC 8031).  Peer values are handled in
 * openssl_dh_shared.c.
 */
#include "crypto/openssl_dh.h"
#include "crypto/openssl_provider.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

static const struct dh_group dh_groups[] = {
        {DH_MODP2048, DH_KIND_MODP, "modp_2048", 256, 256},
        {DH_MODP3072, DH_KIND_MODP, "modp_3072", 384, 384},
        {DH_ECP256, DH_KIND_ECP, "P-256", 64, 32},
        {DH_ECP384, DH_KIND_ECP, "P-384", 96, 48},
        {DH_X25519, DH_KIND_X25519, NULL, 32, 32},
};

const struct dh_group *openssl_dh_group_find(uint16_t dh_id)
{
	for (size_t i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++) {
		if (dh_groups[i].id == dh_id)
			return &dh_groups[i];
	}
	return NULL;
}

const char *openssl_dh_key_type(const struct dh_group *g)
{
	switch (g->kind) {
	case DH_KIND_MODP:
		return "DH";
	case DH_KIND_ECP:
		return "EC";
	default:
		return "X25519";
	}
}

size_t openssl_dh_public_len(uint16_t dh_id)
{
	const struct dh_group *g = openssl_dh_group_find(dh_id);

	return g ? g->public_len : 0;
}

static int dh_wrap(const struct dh_group *g, EVP_PKEY *key,
                   struct crypto_dh **out)
{
	struct crypto_dh *dh = calloc(1, sizeof(*dh));

	if (!dh) {
		EVP_PKEY_free(key);
		return -ENOMEM;
	}
	dh->group = g;
	dh->key = key;
	*out = dh;
	return 0;
}

int openssl_dh_new(uint16_t dh_id, struct crypto_dh **out)
{
	const struct dh_group *g = openssl_dh_group_find(dh_id);
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;
	int ok;

	*out = NULL;
	if (!g)
		return -ENOTSUP;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, openssl_dh_key_type(g), NULL);
	if (!ctx)
		return -ENOTSUP;
	ok = EVP_PKEY_keygen_init(ctx) == 1;
	if (ok && g->group_name)
		ok = EVP_PKEY_CTX_set_group_name(ctx, g->group_name) == 1;
	if (ok)
		ok = EVP_PKEY_generate(ctx, &key) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok)
		return -EIO;
	return dh_wrap(g, key, out);
}

int openssl_dh_new_from_private(uint16_t dh_id, const uint8_t *priv,
                                size_t priv_len, struct crypto_dh **out)
{
	const struct dh_group *g = openssl_dh_group_find(dh_id);
	EVP_PKEY *key;

	*out = NULL;
	if (!g || g->kind != DH_KIND_X25519)
		return -ENOTSUP;
	if (priv_len != 32)
		return -EINVAL;
	key = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL, priv,
	                                      priv_len);
	if (!key)
		return -EIO;
	return dh_wrap(g, key, out);
}

static int dh_public_modp(const struct crypto_dh *dh, uint8_t *out)
{
	BIGNUM *pub = NULL;
	int ret = 0;

	if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &pub) != 1)
		return -EIO;
	if (BN_bn2binpad(pub, out, (int)dh->group->public_len) < 0)
		ret = -EIO;
	BN_free(pub);
	return ret;
}

/* OpenSSL encodes the point uncompressed, 0x04 | x | y; IKEv2 drops 0x04. */
static int dh_public_ecp(const struct crypto_dh *dh, uint8_t *out)
{
	uint8_t point[1 + 96];
	size_t len = 0;

	if (EVP_PKEY_get_octet_string_param(dh->key,
	                                    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
	                                    point, sizeof(point), &len) != 1)
		return -EIO;
	if (len != 1 + dh->group->public_len || point[0] != 0x04)
		return -EIO;
	memcpy(out, point + 1, dh->group->public_len);
	return 0;
}

static int dh_public_x25519(const struct crypto_dh *dh, uint8_t *out)
{
	size_t len = dh->group->public_len;

	if (EVP_PKEY_get_raw_public_key(dh->key, out, &len) != 1)
		return -EIO;
	return len == dh->group->public_len ? 0 : -EIO;
}

int openssl_dh_public(struct crypto_dh *dh, uint8_t *out, size_t *out_len)
{
	int ret;

	if (*out_len < dh->group->public_len)
		return -EINVAL;
	switch (dh->group->kind) {
	case DH_KIND_MODP:
		ret = dh_public_modp(dh, out);
		break;
	case DH_KIND_ECP:
		ret = dh_public_ecp(dh, out);
		break;
	default:
		ret = dh_public_x25519(dh, out);
		break;
	}
	if (ret == 0)
		*out_len = dh->group->public_len;
	return ret;
}

void openssl_dh_free(struct crypto_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}
