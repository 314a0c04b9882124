// SPDX-License-Identifier: LGPL-2.1-or-later
/* Key and ICV sizes of the encryption and integrity transforms crest uses. */
#include "crypto/crypto.h"

bool crypto_encr_is_aead(uint16_t encr_id)
{
	return encr_id == ENCR_AES_GCM_16 || encr_id == ENCR_CHACHA20_POLY1305;
}

/*
 * ChaCha20-Poly1305 has a fixed 256-bit key and RFC 7634 forbids the key
 * length attribute, so key_bits 0 (attribute absent) also means 256 there.
 */
bool crypto_encr_valid(uint16_t encr_id, uint16_t key_bits)
{
	switch (encr_id) {
	case ENCR_AES_CBC:
	case ENCR_AES_GCM_16:
		return key_bits == 128 || key_bits == 256;
	case ENCR_CHACHA20_POLY1305:
		return key_bits == 0 || key_bits == 256;
	default:
		return false;
	}
}

size_t crypto_encr_keymat_len(uint16_t encr_id, uint16_t key_bits)
{
	if (!crypto_encr_valid(encr_id, key_bits))
		return 0;
	switch (encr_id) {
	case ENCR_AES_CBC:
		return key_bits / 8;
	case ENCR_AES_GCM_16:
		return key_bits / 8 + 4; /* 4-byte salt, RFC 4106 */
	default:
		return 32 + 4; /* ChaCha20 key and salt, RFC 7634 */
	}
}

size_t crypto_integ_key_len(uint16_t integ_id)
{
	switch (integ_id) {
	case INTEG_HMAC_SHA2_256_128:
		return 32;
	case INTEG_HMAC_SHA2_384_192:
		return 48;
	case INTEG_HMAC_SHA2_512_256:
		return 64;
	default:
		return 0;
	}
}

/* RFC 4868: the ICV is the HMAC truncated to half its length. */
size_t crypto_integ_icv_len(uint16_t integ_id)
{
	return crypto_integ_key_len(integ_id) / 2;
}
