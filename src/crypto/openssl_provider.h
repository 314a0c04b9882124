/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to src/crypto: the OpenSSL 3 provider's primitives, split over
 * openssl_prf.c, openssl_dh.c, openssl_dh_shared.c and openssl_provider.c.
 */
#ifndef CREST_CRYPTO_OPENSSL_PROVIDER_H
#define CREST_CRYPTO_OPENSSL_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

extern const struct crypto_provider crypto_openssl_provider;

/* OpenSSL digest name of an IKEv2 PRF, NULL if unsupported. */
const char *openssl_prf_digest(uint16_t prf_id);
size_t openssl_prf_len(uint16_t prf_id);
int openssl_prf_new(uint16_t prf_id, const uint8_t *key, size_t key_len,
                    struct crypto_prf **out);
int openssl_prf_compute(struct crypto_prf *prf, const uint8_t *data, size_t len,
                        uint8_t *out);
void openssl_prf_free(struct crypto_prf *prf);

size_t openssl_dh_public_len(uint16_t dh_id);
int openssl_dh_new(uint16_t dh_id, struct crypto_dh **out);
int openssl_dh_new_from_private(uint16_t dh_id, const uint8_t *priv,
                                size_t priv_len, struct crypto_dh **out);
int openssl_dh_public(struct crypto_dh *dh, uint8_t *out, size_t *out_len);
int openssl_dh_shared(struct crypto_dh *dh, const uint8_t *peer,
                      size_t peer_len, uint8_t *out, size_t *out_len);
void openssl_dh_free(struct crypto_dh *dh);

#endif
