/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Crypto provider interface.  A provider is a table of primitives chosen by
 * name; OpenSSL 3 ("openssl") is the default.  Everything above this layer
 * (the SK payload, ESP, key derivation) calls the primitives through a
 * provider, never a library directly.
 *
 * All functions return 0 on success or a negative errno value:
 * -ENOTSUP for an algorithm the provider lacks, -EINVAL for a bad length,
 * -EBADMSG for a failed integrity check or an invalid peer public value.
 */
#ifndef CREST_CRYPTO_CRYPTO_H
#define CREST_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/ids.h"

#define CRYPTO_MAX_PRF_LEN 64
#define CRYPTO_MAX_KEY_LEN 64
#define CRYPTO_MAX_DH_PUBLIC 384 /* MODP-3072 */
#define CRYPTO_MAX_DH_SHARED 384

struct crypto_prf;    /* a PRF keyed once, used many times */
struct crypto_dh;     /* one ephemeral key pair */
struct crypto_cipher; /* one direction of an SA: AEAD or cipher + HMAC */

struct crypto_provider {
	const char *name;

	/* PRF (HMAC).  out receives prf_len(id) bytes. */
	size_t (*prf_len)(uint16_t prf_id);
	int (*prf_new)(uint16_t prf_id, const uint8_t *key, size_t key_len,
		       struct crypto_prf **out);
	int (*prf_compute)(struct crypto_prf *prf, const uint8_t *data,
			   size_t len, uint8_t *out);
	void (*prf_free)(struct crypto_prf *prf);

	/*
	 * Key exchange.  dh_shared validates the peer's value first (point on
	 * the curve, 1 < y < p-1 for MODP, RFC 7748 low-order points and an
	 * all-zero X25519 result are rejected) and returns -EBADMSG if it is
	 * invalid.  For MODP the shared secret is left-padded to the length of
	 * p, as RFC 7296 2.14 requires.
	 */
	/*
	 * dh_public and dh_shared take the size of out in *out_len and
	 * return the length written there.  The public value has
	 * dh_public_len(id) bytes.  The shared secret has 32 bytes for
	 * X25519, 32 or 48 (the x coordinate, RFC 5903) for ECP and the
	 * length of p for MODP.  A short out buffer gives -EINVAL, and a peer
	 * value of the wrong length gives -EBADMSG.
	 */
	size_t (*dh_public_len)(uint16_t dh_id);
	int (*dh_new)(uint16_t dh_id, struct crypto_dh **out);
	int (*dh_public)(struct crypto_dh *dh, uint8_t *out, size_t *out_len);
	int (*dh_shared)(struct crypto_dh *dh, const uint8_t *peer,
			 size_t peer_len, uint8_t *out, size_t *out_len);
	void (*dh_free)(struct crypto_dh *dh);

	int (*random)(uint8_t *out, size_t len);
};

const struct crypto_provider *crypto_provider_get(const char *name);
const struct crypto_provider *crypto_default(void);

/*
 * For known-answer tests only: creates a key pair from a fixed private key
 * so that published vectors can run.  Supports DH_X25519 (32-byte scalar)
 * and returns -ENOTSUP for other groups.  IKE must use dh_new, which draws
 * a fresh key for every exchange.
 */
int crypto_dh_new_from_private(const struct crypto_provider *p,
			       uint16_t dh_id, const uint8_t *priv,
			       size_t priv_len, struct crypto_dh **out);

/*
 * Key material length for an encryption transform, salt included: AES-GCM
 * and ChaCha20-Poly1305 take key_bits/8 + 4 (RFC 4106, RFC 7634), AES-CBC
 * takes key_bits/8.  Returns 0 for an unsupported transform.
 */
size_t crypto_encr_keymat_len(uint16_t encr_id, uint16_t key_bits);
/* Key length of an integrity transform, 0 for INTEG_NONE or unknown. */
size_t crypto_integ_key_len(uint16_t integ_id);
/* ICV length of an integrity transform, 0 for INTEG_NONE or unknown. */
size_t crypto_integ_icv_len(uint16_t integ_id);
bool crypto_encr_is_aead(uint16_t encr_id);
/*
 * Whether key_bits is valid for that encryption transform: 128 or 256 for
 * AES-CBC and AES-GCM-16, 256 or 0 (no key length attribute, which RFC 7634
 * requires) for ChaCha20-Poly1305.
 */
bool crypto_encr_valid(uint16_t encr_id, uint16_t key_bits);

/*
 * One direction of an SA's protection, shared by the IKE SK payload and
 * ESP.  AEAD: the nonce is salt | iv (8-byte iv), the ICV is the 16-byte
 * tag over aad.  AES-CBC: the 16-byte iv is the CBC IV and the ICV is the
 * truncated HMAC over aad | iv | ciphertext, which is exactly the covered
 * range of both the SK payload (aad = IKE header + SK header) and ESP
 * (aad = SPI + sequence number).
 */
int crypto_cipher_new(const struct crypto_provider *p, uint16_t encr_id,
		      uint16_t key_bits, uint16_t integ_id,
		      const uint8_t *enc_key, size_t enc_key_len,
		      const uint8_t *integ_key, size_t integ_key_len,
		      struct crypto_cipher **out);
void crypto_cipher_free(struct crypto_cipher *c);
size_t crypto_cipher_iv_len(const struct crypto_cipher *c);
/* Plaintext length (with padding) must be a multiple of this. */
size_t crypto_cipher_block_len(const struct crypto_cipher *c);
size_t crypto_cipher_icv_len(const struct crypto_cipher *c);
/* Encrypts buf in place and writes the ICV. */
int crypto_cipher_encrypt(struct crypto_cipher *c, const uint8_t *aad,
			  size_t aad_len, const uint8_t *iv, uint8_t *buf,
			  size_t len, uint8_t *icv);
/*
 * Checks the ICV in constant time, then decrypts buf in place.  Returns
 * -EBADMSG on a mismatch.  AES-CBC leaves buf untouched then; AEAD checks
 * the tag after decrypting, so it wipes buf to zeros before returning.
 * For AES-CBC, a length that is not a multiple of 16 returns -EINVAL.
 */
int crypto_cipher_decrypt(struct crypto_cipher *c, const uint8_t *aad,
			  size_t aad_len, const uint8_t *iv, uint8_t *buf,
			  size_t len, const uint8_t *icv);

/*
 * Whether the cipher is an AEAD (AES-GCM, ChaCha20-Poly1305) rather than
 * AES-CBC with HMAC.
 */
bool crypto_cipher_is_aead(const struct crypto_cipher *c);
/*
 * Like crypto_cipher_encrypt and crypto_cipher_decrypt, but the HMAC of
 * AES-CBC also covers trailer_len bytes after the ciphertext: the ICV is
 * over aad | iv | ciphertext | trailer.  ESP with extended sequence numbers
 * authenticates the high 32 bits of the sequence number there (RFC 4303
 * 2.2.1).  An AEAD has no such place, so a non-empty trailer returns
 * -EINVAL for it.  The trailer is not written to buf.
 */
int crypto_cipher_encrypt_trailer(struct crypto_cipher *c, const uint8_t *aad,
				  size_t aad_len, const uint8_t *iv,
				  uint8_t *buf, size_t len,
				  const uint8_t *trailer, size_t trailer_len,
				  uint8_t *icv);
int crypto_cipher_decrypt_trailer(struct crypto_cipher *c, const uint8_t *aad,
				  size_t aad_len, const uint8_t *iv,
				  uint8_t *buf, size_t len,
				  const uint8_t *trailer, size_t trailer_len,
				  const uint8_t *icv);

#endif
