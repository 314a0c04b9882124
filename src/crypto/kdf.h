/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IKEv2 key derivation (RFC 7296 2.13, 2.14, 2.17). */
#ifndef CREST_CRYPTO_KDF_H
#define CREST_CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* prf+ (RFC 7296 2.13): fills out_len bytes; out_len <= 255 * prf_len. */
int kdf_prf_plus(const struct crypto_provider *p, uint16_t prf_id,
		 const uint8_t *key, size_t key_len, const uint8_t *seed,
		 size_t seed_len, uint8_t *out, size_t out_len);

/* SKEYSEED = prf(Ni | Nr, g^ir).  out receives prf_len bytes. */
int kdf_skeyseed(const struct crypto_provider *p, uint16_t prf_id,
		 const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		 size_t nr_len, const uint8_t *shared, size_t shared_len,
		 uint8_t *out);

/* SKEYSEED for an IKE SA rekey = prf(SK_d(old), g^ir(new) | Ni | Nr). */
int kdf_rekey_skeyseed(const struct crypto_provider *p, uint16_t prf_id,
		       const uint8_t *sk_d, size_t sk_d_len,
		       const uint8_t *shared, size_t shared_len,
		       const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		       size_t nr_len, uint8_t *out);

/* prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), the IKE SA's key material. */
int kdf_ike_keymat(const struct crypto_provider *p, uint16_t prf_id,
		   const uint8_t *skeyseed, size_t skeyseed_len,
		   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		   size_t nr_len, uint64_t spi_i, uint64_t spi_r, uint8_t *out,
		   size_t out_len);

/* prf+(SK_d, [g^ir(new) |] Ni | Nr), a CHILD_SA's key material. */
int kdf_child_keymat(const struct crypto_provider *p, uint16_t prf_id,
		     const uint8_t *sk_d, size_t sk_d_len,
		     const uint8_t *shared, size_t shared_len, const uint8_t *ni,
		     size_t ni_len, const uint8_t *nr, size_t nr_len,
		     uint8_t *out, size_t out_len);

#endif
