/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IANA IKEv2 transform identifiers used by crest (RFC 7296 3.3.2). */
#ifndef CREST_CRYPTO_IDS_H
#define CREST_CRYPTO_IDS_H

enum transform_type {
	TRANSFORM_ENCR = 1,
	TRANSFORM_PRF = 2,
	TRANSFORM_INTEG = 3,
	TRANSFORM_DH = 4,
	TRANSFORM_ESN = 5,
};

enum encr_id {
	ENCR_AES_CBC = 12,
	ENCR_AES_GCM_16 = 20,
	ENCR_CHACHA20_POLY1305 = 28,
};

enum prf_id {
	PRF_HMAC_SHA1 = 2, /* known-answer tests only; never negotiated */
	PRF_HMAC_SHA2_256 = 5,
	PRF_HMAC_SHA2_384 = 6,
	PRF_HMAC_SHA2_512 = 7,
};

enum integ_id {
	INTEG_NONE = 0,
	INTEG_HMAC_SHA2_256_128 = 12,
	INTEG_HMAC_SHA2_384_192 = 13,
	INTEG_HMAC_SHA2_512_256 = 14,
};

enum dh_id {
	DH_NONE = 0,
	DH_MODP2048 = 14,
	DH_MODP3072 = 15,
	DH_ECP256 = 19,
	DH_ECP384 = 20,
	DH_X25519 = 31,
};

enum esn_id {
	ESN_NO = 0,
	ESN_YES = 1,
};

/* Transform attribute type for the key length (RFC 7296 3.3.5). */
#define TRANSFORM_ATTR_KEY_LENGTH 14

#endif
