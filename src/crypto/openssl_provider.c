// SPDX-License-Identifier: LGPL-2.1-or-later
/* The "openssl" provider table and provider lookup by name. */
#include "crypto/openssl_provider.h"

#include <errno.h>
#include <string.h>

#include "util/secure.h"

static int openssl_random(uint8_t *out, size_t len)
{
	return random_bytes(out, len);
}

const struct crypto_provider crypto_openssl_provider = {
        .name = "openssl",
        .prf_len = openssl_prf_len,
        .prf_new = openssl_prf_new,
        .prf_compute = openssl_prf_compute,
        .prf_free = openssl_prf_free,
        .dh_public_len = openssl_dh_public_len,
        .dh_new = openssl_dh_new,
        .dh_public = openssl_dh_public,
        .dh_shared = openssl_dh_shared,
        .dh_free = openssl_dh_free,
        .random = openssl_random,
};

const struct crypto_provider *crypto_provider_get(const char *name)
{
	if (name && strcmp(name, crypto_openssl_provider.name) == 0)
		return &crypto_openssl_provider;
	return NULL;
}

const struct crypto_provider *crypto_default(void)
{
	return &crypto_openssl_provider;
}

int crypto_dh_new_from_private(const struct crypto_provider *p, uint16_t dh_id,
                               const uint8_t *priv, size_t priv_len,
                               struct crypto_dh **out)
{
	*out = NULL;
	if (p != &crypto_openssl_provider)
		return -ENOTSUP;
	return openssl_dh_new_from_private(dh_id, priv, priv_len, out);
}
