// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IKEv2 PRFs as HMAC over OpenSSL's EVP_MAC.  The context is keyed once in
 * prf_new; each prf_compute re-initialises it with a NULL key, which makes
 * OpenSSL reuse the key already set.
 */
#include "crypto/openssl_provider.h"

#include <errno.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

struct crypto_prf {
	EVP_MAC_CTX *ctx;
	size_t len;
};

const char *openssl_prf_digest(uint16_t prf_id)
{
	switch (prf_id) {
	case PRF_HMAC_SHA1:
		return "SHA1";
	case PRF_HMAC_SHA2_256:
		return "SHA2-256";
	case PRF_HMAC_SHA2_384:
		return "SHA2-384";
	case PRF_HMAC_SHA2_512:
		return "SHA2-512";
	default:
		return NULL;
	}
}

size_t openssl_prf_len(uint16_t prf_id)
{
	switch (prf_id) {
	case PRF_HMAC_SHA1:
		return 20;
	case PRF_HMAC_SHA2_256:
		return 32;
	case PRF_HMAC_SHA2_384:
		return 48;
	case PRF_HMAC_SHA2_512:
		return 64;
	default:
		return 0;
	}
}

int openssl_prf_new(uint16_t prf_id, const uint8_t *key, size_t key_len,
                    struct crypto_prf **out)
{
	static const uint8_t empty_key[1];
	const char *digest = openssl_prf_digest(prf_id);
	OSSL_PARAM params[2];
	struct crypto_prf *prf;
	EVP_MAC *mac;
	int ret = -EIO;

	*out = NULL;
	if (!digest)
		return -ENOTSUP;
	if (!key && key_len)
		return -EINVAL;
	/* A NULL key would mean "keep the old key" to EVP_MAC_init. */
	if (!key)
		key = empty_key;

	prf = calloc(1, sizeof(*prf));
	if (!prf)
		return -ENOMEM;
	prf->len = openssl_prf_len(prf_id);

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		goto fail;
	prf->ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (!prf->ctx)
		goto fail;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                             (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(prf->ctx, key, key_len, params) != 1)
		goto fail;

	*out = prf;
	return 0;

fail:
	openssl_prf_free(prf);
	return ret;
}

int openssl_prf_compute(struct crypto_prf *prf, const uint8_t *data, size_t len,
                        uint8_t *out)
{
	size_t out_len = 0;

	if (!data && len)
		return -EINVAL;
	if (EVP_MAC_init(prf->ctx, NULL, 0, NULL) != 1)
		return -EIO;
	if (len && EVP_MAC_update(prf->ctx, data, len) != 1)
		return -EIO;
	if (EVP_MAC_final(prf->ctx, out, &out_len, prf->len) != 1)
		return -EIO;
	return out_len == prf->len ? 0 : -EIO;
}

/* EVP_MAC_CTX_free clears OpenSSL's copy of the HMAC key. */
void openssl_prf_free(struct crypto_prf *prf)
{
	if (!prf)
		return;
	EVP_MAC_CTX_free(prf->ctx);
	free(prf);
}
