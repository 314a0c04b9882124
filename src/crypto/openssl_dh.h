/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to src/crypto: the key exchange groups of the OpenSSL provider. */
#ifndef CREST_CRYPTO_OPENSSL_DH_H
#define CREST_CRYPTO_OPENSSL_DH_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

enum dh_kind { DH_KIND_MODP, DH_KIND_ECP, DH_KIND_X25519 };

struct dh_group {
	uint16_t id;
	enum dh_kind kind;
	const char *group_name; /* OpenSSL group name; NULL for X25519 */
	size_t public_len;      /* IKEv2 KE payload data length */
	size_t shared_len;      /* g^ir length, padded */
};

struct crypto_dh {
	const struct dh_group *group;
	EVP_PKEY *key;
};

/* Returns the group of an IKEv2 DH transform id, NULL if unsupported. */
const struct dh_group *openssl_dh_group_find(uint16_t dh_id);
/* OpenSSL key type name for EVP_PKEY_CTX_new_from_name. */
const char *openssl_dh_key_type(const struct dh_group *g);

#endif
