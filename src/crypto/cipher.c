// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-SA packet protection over OpenSSL 3 EVP.  crypto_cipher_new keys one
 * encryption and one decryption context (AES-CBC needs a separate
 * decryption key schedule) and, for AES-CBC, one HMAC context.  Each packet
 * then only sets its IV, so the per-packet cost has no key setup and no
 * allocation.  A crypto_cipher must not be used by two threads at once.
 */
#include "crypto/crypto.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "util/secure.h"

#define AEAD_SALT_LEN  4
#define AEAD_IV_LEN    8
#define AEAD_NONCE_LEN (AEAD_SALT_LEN + AEAD_IV_LEN)
#define AEAD_TAG_LEN   16
#define CBC_IV_LEN     16
#define CBC_BLOCK_LEN  16
/* ESP (RFC 4303) aligns the padded payload to 4 bytes for stream modes. */
#define AEAD_BLOCK_LEN 4

struct crypto_cipher {
	bool aead;
	size_t icv_len;
	uint8_t salt[AEAD_SALT_LEN];
	EVP_CIPHER_CTX *enc;
	EVP_CIPHER_CTX *dec;
	EVP_MAC_CTX *mac; /* AES-CBC with HMAC only */
};

static const char *cipher_name(uint16_t encr_id, uint16_t key_bits)
{
	switch (encr_id) {
	case ENCR_AES_CBC:
		return key_bits == 128 ? "AES-128-CBC" : "AES-256-CBC";
	case ENCR_AES_GCM_16:
		return key_bits == 128 ? "AES-128-GCM" : "AES-256-GCM";
	default:
		return "ChaCha20-Poly1305";
	}
}

static const char *integ_digest(uint16_t integ_id)
{
	switch (integ_id) {
	case INTEG_HMAC_SHA2_256_128:
		return "SHA2-256";
	case INTEG_HMAC_SHA2_384_192:
		return "SHA2-384";
	case INTEG_HMAC_SHA2_512_256:
		return "SHA2-512";
	default:
		return NULL;
	}
}

static int check_params(const struct crypto_provider *p, uint16_t encr_id,
                        uint16_t key_bits, uint16_t integ_id,
                        size_t enc_key_len, size_t integ_key_len)
{
	if (!p || strcmp(p->name, "openssl") != 0)
		return -ENOTSUP;
	if (!crypto_encr_valid(encr_id, key_bits))
		return -ENOTSUP;
	if (crypto_encr_is_aead(encr_id) && integ_id != INTEG_NONE)
		return -EINVAL;
	if (integ_id != INTEG_NONE && !integ_digest(integ_id))
		return -ENOTSUP;
	if (enc_key_len != crypto_encr_keymat_len(encr_id, key_bits))
		return -EINVAL;
	if (integ_key_len != crypto_integ_key_len(integ_id))
		return -EINVAL;
	return 0;
}

static int cipher_keys_init(struct crypto_cipher *c, const char *name,
                            const uint8_t *key)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	int ok;

	if (!cipher)
		return -ENOTSUP;
	c->enc = EVP_CIPHER_CTX_new();
	c->dec = EVP_CIPHER_CTX_new();
	ok = c->enc && c->dec &&
	     EVP_EncryptInit_ex2(c->enc, cipher, key, NULL, NULL) == 1 &&
	     EVP_DecryptInit_ex2(c->dec, cipher, key, NULL, NULL) == 1;
	EVP_CIPHER_free(cipher);
	if (ok && !c->aead) {
		/* ESP and the SK payload carry their own padding. */
		ok = EVP_CIPHER_CTX_set_padding(c->enc, 0) == 1 &&
		     EVP_CIPHER_CTX_set_padding(c->dec, 0) == 1;
	}
	return ok ? 0 : -EIO;
}

static int mac_init(struct crypto_cipher *c, uint16_t integ_id,
                    const uint8_t *key, size_t key_len)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM params[2];

	if (!mac)
		return -ENOTSUP;
	c->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (!c->mac)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(
	        OSSL_MAC_PARAM_DIGEST, (char *)integ_digest(integ_id), 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(c->mac, key, key_len, params) != 1)
		return -EIO;
	return 0;
}

int crypto_cipher_new(const struct crypto_provider *p, uint16_t encr_id,
                      uint16_t key_bits, uint16_t integ_id,
                      const uint8_t *enc_key, size_t enc_key_len,
                      const uint8_t *integ_key, size_t integ_key_len,
                      struct crypto_cipher **out)
{
	struct crypto_cipher *c;
	int ret;

	*out = NULL;
	ret = check_params(p, encr_id, key_bits, integ_id, enc_key_len,
	                   integ_key_len);
	if (ret)
		return ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->aead = crypto_encr_is_aead(encr_id);
	if (c->aead) {
		/* The salt is the last 4 bytes of the key material. */
		memcpy(c->salt, enc_key + enc_key_len - AEAD_SALT_LEN,
		       AEAD_SALT_LEN);
		c->icv_len = AEAD_TAG_LEN;
	} else {
		c->icv_len = crypto_integ_icv_len(integ_id);
	}

	ret = cipher_keys_init(c, cipher_name(encr_id, key_bits), enc_key);
	if (ret == 0 && integ_id != INTEG_NONE)
		ret = mac_init(c, integ_id, integ_key, integ_key_len);
	if (ret) {
		crypto_cipher_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

/* EVP_CIPHER_CTX_free and EVP_MAC_CTX_free clear OpenSSL's key copies. */
void crypto_cipher_free(struct crypto_cipher *c)
{
	if (!c)
		return;
	EVP_CIPHER_CTX_free(c->enc);
	EVP_CIPHER_CTX_free(c->dec);
	EVP_MAC_CTX_free(c->mac);
	secure_zero(c, sizeof(*c));
	free(c);
}

size_t crypto_cipher_iv_len(const struct crypto_cipher *c)
{
	return c->aead ? AEAD_IV_LEN : CBC_IV_LEN;
}

size_t crypto_cipher_block_len(const struct crypto_cipher *c)
{
	return c->aead ? AEAD_BLOCK_LEN : CBC_BLOCK_LEN;
}

size_t crypto_cipher_icv_len(const struct crypto_cipher *c)
{
	return c->icv_len;
}

bool crypto_cipher_is_aead(const struct crypto_cipher *c)
{
	return c->aead;
}

static void aead_nonce(const struct crypto_cipher *c, const uint8_t *iv,
                       uint8_t nonce[AEAD_NONCE_LEN])
{
	memcpy(nonce, c->salt, AEAD_SALT_LEN);
	memcpy(nonce + AEAD_SALT_LEN, iv, AEAD_IV_LEN);
}

/* Sets the nonce and feeds the AAD; the key stays from crypto_cipher_new. */
static int aead_start(const struct crypto_cipher *c, EVP_CIPHER_CTX *ctx,
                      const uint8_t *aad, size_t aad_len, const uint8_t *iv)
{
	uint8_t nonce[AEAD_NONCE_LEN];
	int n;

	aead_nonce(c, iv, nonce);
	if (EVP_CipherInit_ex2(ctx, NULL, NULL, nonce, -1, NULL) != 1)
		return -EIO;
	if (aad_len && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		return -EIO;
	return 0;
}

static int aead_encrypt(struct crypto_cipher *c, const uint8_t *aad,
                        size_t aad_len, const uint8_t *iv, uint8_t *buf,
                        size_t len, uint8_t *icv)
{
	uint8_t tail[AEAD_TAG_LEN];
	int n = 0;

	if (aead_start(c, c->enc, aad, aad_len, iv))
		return -EIO;
	if (len && EVP_EncryptUpdate(c->enc, buf, &n, buf, (int)len) != 1)
		return -EIO;
	/* AEAD modes keep no partial block, so Final writes nothing. */
	if (EVP_EncryptFinal_ex(c->enc, tail, &n) != 1 || n != 0)
		return -EIO;
	if (EVP_CIPHER_CTX_ctrl(c->enc, EVP_CTRL_AEAD_GET_TAG, AEAD_TAG_LEN,
	                        icv) != 1)
		return -EIO;
	return 0;
}

/*
 * OpenSSL checks the tag in DecryptFinal, after the plaintext is already in
 * buf, so on a mismatch buf is wiped before -EBADMSG is returned.
 */
static int aead_decrypt(struct crypto_cipher *c, const uint8_t *aad,
                        size_t aad_len, const uint8_t *iv, uint8_t *buf,
                        size_t len, const uint8_t *icv)
{
	uint8_t tag[AEAD_TAG_LEN];
	uint8_t tail[AEAD_TAG_LEN];
	int n = 0;

	memcpy(tag, icv, AEAD_TAG_LEN);
	if (aead_start(c, c->dec, aad, aad_len, iv))
		return -EIO;
	if (EVP_CIPHER_CTX_ctrl(c->dec, EVP_CTRL_AEAD_SET_TAG, AEAD_TAG_LEN,
	                        tag) != 1)
		return -EIO;
	if (len && EVP_DecryptUpdate(c->dec, buf, &n, buf, (int)len) != 1) {
		secure_zero(buf, len);
		return -EIO;
	}
	if (EVP_DecryptFinal_ex(c->dec, tail, &n) != 1) {
		secure_zero(buf, len);
		return -EBADMSG;
	}
	return 0;
}

/* Bytes that the HMAC covers after the ciphertext.  Most callers have none. */
struct trailer {
	const uint8_t *data;
	size_t len;
};

static const struct trailer no_trailer = {NULL, 0};

/* HMAC over aad | iv | ciphertext | trailer, untruncated, into out. */
static int cbc_hmac(struct crypto_cipher *c, const uint8_t *aad, size_t aad_len,
                    const uint8_t *iv, const uint8_t *buf, size_t len,
                    const struct trailer *t, uint8_t out[EVP_MAX_MD_SIZE])
{
	size_t out_len = 0;

	if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1)
		return -EIO;
	if (aad_len && EVP_MAC_update(c->mac, aad, aad_len) != 1)
		return -EIO;
	if (EVP_MAC_update(c->mac, iv, CBC_IV_LEN) != 1)
		return -EIO;
	if (len && EVP_MAC_update(c->mac, buf, len) != 1)
		return -EIO;
	if (t->len && EVP_MAC_update(c->mac, t->data, t->len) != 1)
		return -EIO;
	if (EVP_MAC_final(c->mac, out, &out_len, EVP_MAX_MD_SIZE) != 1)
		return -EIO;
	return out_len >= c->icv_len ? 0 : -EIO;
}

/* Runs CBC over whole blocks in place; padding is the caller's. */
static int cbc_run(EVP_CIPHER_CTX *ctx, const uint8_t *iv, uint8_t *buf,
                   size_t len)
{
	uint8_t tail[CBC_BLOCK_LEN];
	int n = 0;

	if (EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL) != 1)
		return -EIO;
	if (len && EVP_CipherUpdate(ctx, buf, &n, buf, (int)len) != 1)
		return -EIO;
	if ((size_t)n != len)
		return -EIO;
	if (EVP_CipherFinal_ex(ctx, tail, &n) != 1 || n != 0)
		return -EIO;
	return 0;
}

static int cbc_encrypt(struct crypto_cipher *c, const uint8_t *aad,
                       size_t aad_len, const uint8_t *iv, uint8_t *buf,
                       size_t len, const struct trailer *t, uint8_t *icv)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	int ret;

	ret = cbc_run(c->enc, iv, buf, len);
	if (ret || !c->mac)
		return ret;
	ret = cbc_hmac(c, aad, aad_len, iv, buf, len, t, mac);
	if (ret == 0)
		memcpy(icv, mac, c->icv_len);
	return ret;
}

static int cbc_decrypt(struct crypto_cipher *c, const uint8_t *aad,
                       size_t aad_len, const uint8_t *iv, uint8_t *buf,
                       size_t len, const struct trailer *t, const uint8_t *icv)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	int ret;

	if (c->mac) {
		ret = cbc_hmac(c, aad, aad_len, iv, buf, len, t, mac);
		if (ret)
			return ret;
		if (!ct_equal(mac, icv, c->icv_len))
			return -EBADMSG;
	}
	return cbc_run(c->dec, iv, buf, len);
}

static int check_lengths(const struct crypto_cipher *c, const uint8_t *aad,
                         size_t aad_len, const uint8_t *buf, size_t len,
                         const struct trailer *t)
{
	if (len > INT_MAX || aad_len > INT_MAX)
		return -EINVAL;
	if ((!aad && aad_len) || (!buf && len) || (!t->data && t->len))
		return -EINVAL;
	if (!c->aead && len % CBC_BLOCK_LEN)
		return -EINVAL;
	if (c->aead && t->len)
		return -EINVAL;
	return 0;
}

static int encrypt_with_trailer(struct crypto_cipher *c, const uint8_t *aad,
                                size_t aad_len, const uint8_t *iv, uint8_t *buf,
                                size_t len, const struct trailer *t,
                                uint8_t *icv)
{
	int ret = check_lengths(c, aad, aad_len, buf, len, t);

	if (ret)
		return ret;
	if (c->aead)
		return aead_encrypt(c, aad, aad_len, iv, buf, len, icv);
	return cbc_encrypt(c, aad, aad_len, iv, buf, len, t, icv);
}

static int decrypt_with_trailer(struct crypto_cipher *c, const uint8_t *aad,
                                size_t aad_len, const uint8_t *iv, uint8_t *buf,
                                size_t len, const struct trailer *t,
                                const uint8_t *icv)
{
	int ret = check_lengths(c, aad, aad_len, buf, len, t);

	if (ret)
		return ret;
	if (c->aead)
		return aead_decrypt(c, aad, aad_len, iv, buf, len, icv);
	return cbc_decrypt(c, aad, aad_len, iv, buf, len, t, icv);
}

int crypto_cipher_encrypt(struct crypto_cipher *c, const uint8_t *aad,
                          size_t aad_len, const uint8_t *iv, uint8_t *buf,
                          size_t len, uint8_t *icv)
{
	return encrypt_with_trailer(c, aad, aad_len, iv, buf, len, &no_trailer,
	                            icv);
}

int crypto_cipher_decrypt(struct crypto_cipher *c, const uint8_t *aad,
                          size_t aad_len, const uint8_t *iv, uint8_t *buf,
                          size_t len, const uint8_t *icv)
{
	return decrypt_with_trailer(c, aad, aad_len, iv, buf, len, &no_trailer,
	                            icv);
}

int crypto_cipher_encrypt_trailer(struct crypto_cipher *c, const uint8_t *aad,
                                  size_t aad_len, const uint8_t *iv,
                                  uint8_t *buf, size_t len,
                                  const uint8_t *trailer, size_t trailer_len,
                                  uint8_t *icv)
{
	struct trailer t = {trailer, trailer_len};

	return encrypt_with_trailer(c, aad, aad_len, iv, buf, len, &t, icv);
}

int crypto_cipher_decrypt_trailer(struct crypto_cipher *c, const uint8_t *aad,
                                  size_t aad_len, const uint8_t *iv,
                                  uint8_t *buf, size_t len,
                                  const uint8_t *trailer, size_t trailer_len,
                                  const uint8_t *icv)
{
	struct trailer t = {trailer, trailer_len};

	return decrypt_with_trailer(c, aad, aad_len, iv, buf, len, &t, icv);
}
