// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ESP tunnel mode (RFC 4303).  Both directions work in one pass over
 * caller-owned buffers: no allocation and no key setup per packet.
 *
 * Packet layout: SPI (4) | sequence number (4) | IV | ciphertext | ICV.
 * The ciphertext covers inner packet | padding 1, 2, 3, ... | pad length |
 * next header, and the associated data is SPI | sequence number.
 *
 * With extended sequence numbers (ESN) the packet carries the low 32 bits
 * of a 64-bit number and the ICV also covers the high 32 bits, which the
 * receiver infers from its window.  An AEAD takes SPI | high | low as its
 * associated data (RFC 4106 section 5, RFC 7634 section 2.1).  The HMAC of
 * AES-CBC covers the high bits after the ciphertext (RFC 4303 2.2.1).
 */
#include "esp/esp.h"

#include <errno.h>
#include <string.h>

#include "esp/inner.h"
#include "util/secure.h"

#define ESP_TRAILER_LEN 2 /* pad length + next header */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

#define ESP_ESN_AAD_LEN 12 /* SPI | high 32 bits | low 32 bits */

static void count_drop(struct esp_sa *sa, enum esp_drop reason)
{
	if (sa->stats)
		sa->stats->drops[reason]++;
}

/*
 * Whether the IV may be the sequence number.  AES-CBC's IV is one cipher
 * block and must be unpredictable.  The AEADs (AES-GCM, RFC 4106;
 * ChaCha20-Poly1305, RFC 7634) take an 8-byte IV that need only be unique
 * per key, and their block alignment (4) is shorter than that IV.
 */
static bool iv_is_counter(const struct crypto_cipher *c)
{
	return crypto_cipher_block_len(c) < crypto_cipher_iv_len(c);
}

size_t esp_overhead(const struct esp_sa *sa)
{
	const struct crypto_cipher *c = sa->cipher;
	return ESP_HEADER_LEN + crypto_cipher_iv_len(c) +
	       crypto_cipher_block_len(c) - 1 + ESP_TRAILER_LEN +
	       crypto_cipher_icv_len(c);
}

static int write_iv(const struct crypto_cipher *c, uint64_t seq, uint8_t *iv)
{
	size_t iv_len = crypto_cipher_iv_len(c);

	if (iv_is_counter(c)) {
		memset(iv, 0, iv_len);
		put_be64(iv + iv_len - 8, seq);
		return 0;
	}
	return random_bytes(iv, iv_len);
}

/* The AEAD associated data with ESN: SPI as on the wire, then seq. */
static void esn_aad(const uint8_t *hdr, uint64_t seq,
                    uint8_t aad[ESP_ESN_AAD_LEN])
{
	memcpy(aad, hdr, 4);
	put_be64(aad + 4, seq);
}

/*
 * Encrypts ct in place and writes the ICV over the header at hdr, the IV,
 * the ciphertext and, with ESN, the high half of seq.
 */
static int protect(struct esp_sa *sa, const uint8_t *hdr, uint64_t seq,
                   const uint8_t *iv, uint8_t *ct, size_t ct_len, uint8_t *icv)
{
	struct crypto_cipher *c = sa->cipher;
	uint8_t esn[ESP_ESN_AAD_LEN];

	if (!sa->esn)
		return crypto_cipher_encrypt(c, hdr, ESP_HEADER_LEN, iv, ct,
		                             ct_len, icv);
	if (crypto_cipher_is_aead(c)) {
		esn_aad(hdr, seq, esn);
		return crypto_cipher_encrypt(c, esn, sizeof(esn), iv, ct,
		                             ct_len, icv);
	}
	put_be32(esn, (uint32_t)(seq >> 32));
	return crypto_cipher_encrypt_trailer(c, hdr, ESP_HEADER_LEN, iv, ct,
	                                     ct_len, esn, 4, icv);
}

/* Checks the ICV as protect() computed it, then decrypts ct in place. */
static int unprotect(struct esp_sa *sa, const uint8_t *hdr, uint64_t seq,
                     const uint8_t *iv, uint8_t *ct, size_t ct_len,
                     const uint8_t *icv)
{
	struct crypto_cipher *c = sa->cipher;
	uint8_t esn[ESP_ESN_AAD_LEN];

	if (!sa->esn)
		return crypto_cipher_decrypt(c, hdr, ESP_HEADER_LEN, iv, ct,
		                             ct_len, icv);
	if (crypto_cipher_is_aead(c)) {
		esn_aad(hdr, seq, esn);
		return crypto_cipher_decrypt(c, esn, sizeof(esn), iv, ct,
		                             ct_len, icv);
	}
	put_be32(esn, (uint32_t)(seq >> 32));
	return crypto_cipher_decrypt_trailer(c, hdr, ESP_HEADER_LEN, iv, ct,
	                                     ct_len, esn, 4, icv);
}

int esp_encap(struct esp_sa *sa, const uint8_t *inner, size_t inner_len,
              uint8_t next_header, uint8_t *out, size_t out_cap,
              size_t *out_len)
{
	struct crypto_cipher *c = sa->cipher;
	size_t iv_len = crypto_cipher_iv_len(c);
	size_t block = crypto_cipher_block_len(c);
	size_t icv_len = crypto_cipher_icv_len(c);

	/* Without ESN the 32-bit wire field caps any seq_max. */
	uint64_t seq_limit = sa->seq_max;
	if (!sa->esn && seq_limit > ESP_SEQ_MAX)
		seq_limit = ESP_SEQ_MAX;
	if (sa->seq >= seq_limit) {
		count_drop(sa, ESP_DROP_SEQ_EXHAUSTED);
		return -EOVERFLOW;
	}

	size_t fixed = ESP_HEADER_LEN + iv_len + ESP_TRAILER_LEN + icv_len;
	if (inner_len > out_cap || out_cap - inner_len < fixed) {
		count_drop(sa, ESP_DROP_TOO_BIG);
		return -ENOSPC;
	}
	size_t pad_len =
	        (block - (inner_len + ESP_TRAILER_LEN) % block) % block;
	size_t ct_len = inner_len + pad_len + ESP_TRAILER_LEN;
	if (out_cap - inner_len - fixed < pad_len) {
		count_drop(sa, ESP_DROP_TOO_BIG);
		return -ENOSPC;
	}

	uint64_t seq = sa->seq + 1;
	uint8_t *iv = out + ESP_HEADER_LEN;
	uint8_t *ct = iv + iv_len;

	/* The caller may have placed the inner packet in out already. */
	memmove(ct, inner, inner_len);
	int err = write_iv(c, seq, iv);
	if (err)
		return err;
	sa->seq = seq;
	put_be32(out, sa->spi);
	put_be32(out + 4, (uint32_t)seq);

	for (size_t i = 0; i < pad_len; i++)
		ct[inner_len + i] = (uint8_t)(i + 1);
	ct[ct_len - 2] = (uint8_t)pad_len;
	ct[ct_len - 1] = next_header;

	err = protect(sa, out, seq, iv, ct, ct_len, ct + ct_len);
	if (err)
		return err;
	*out_len = ESP_HEADER_LEN + iv_len + ct_len + icv_len;
	sa->bytes += inner_len;
	sa->packets++;
	return 0;
}

static int drop(struct esp_sa *sa, enum esp_drop reason,
                enum esp_drop *out_reason)
{
	count_drop(sa, reason);
	if (out_reason)
		*out_reason = reason;
	return -EBADMSG;
}

/* Checks the padding (RFC 4303 2.4) and returns the payload length. */
static bool strip_padding(const uint8_t *pt, size_t pt_len, size_t *payload_len)
{
	size_t pad_len = pt[pt_len - 2];

	if (pad_len > pt_len - ESP_TRAILER_LEN)
		return false;
	size_t payload = pt_len - ESP_TRAILER_LEN - pad_len;
	for (size_t i = 0; i < pad_len; i++)
		if (pt[payload + i] != (uint8_t)(i + 1))
			return false;
	*payload_len = payload;
	return true;
}

/*
 * Runs the checks that follow decryption.  Returns 0 or -ENODATA, or
 * -EBADMSG with the drop reason in *reason.
 */
static int check_payload(const struct esp_sa *sa, const uint8_t *pt,
                         size_t pt_len, size_t *payload_len,
                         enum esp_drop *reason)
{
	uint8_t next_header = pt[pt_len - 1];
	struct esp_inner_flow flow;

	*reason = ESP_DROP_BAD_PADDING;
	if (!strip_padding(pt, pt_len, payload_len))
		return -EBADMSG;
	if (next_header == ESP_NEXT_NONE)
		return -ENODATA;
	*reason = ESP_DROP_NEXT_HEADER;
	if (next_header != ESP_NEXT_IPV4 && next_header != ESP_NEXT_IPV6)
		return -EBADMSG;
	*reason = ESP_DROP_BAD_INNER;
	if (esp_inner_parse(pt, *payload_len, next_header, &flow) != 0)
		return -EBADMSG;
	*reason = ESP_DROP_POLICY;
	if (!esp_inner_allowed(sa, &flow))
		return -EBADMSG;
	return 0;
}

int esp_decap(struct esp_sa *sa, uint8_t *pkt, size_t len,
              const uint8_t **inner, size_t *inner_len, uint8_t *next_header,
              enum esp_drop *reason)
{
	struct crypto_cipher *c = sa->cipher;
	size_t iv_len = crypto_cipher_iv_len(c);
	size_t block = crypto_cipher_block_len(c);
	size_t icv_len = crypto_cipher_icv_len(c);

	if (len < ESP_HEADER_LEN + iv_len + icv_len + block)
		return drop(sa, ESP_DROP_TRUNCATED, reason);
	size_t ct_len = len - ESP_HEADER_LEN - iv_len - icv_len;
	if (ct_len % block != 0)
		return drop(sa, ESP_DROP_BAD_LENGTH, reason);

	/* The replay check comes first, so replays cost no decryption. */
	uint32_t seq_lo = get_be32(pkt + 4);
	uint64_t seq = sa->esn ? esp_replay_infer(&sa->replay, seq_lo) : seq_lo;
	if (!esp_replay_check(&sa->replay, seq))
		return drop(sa, ESP_DROP_REPLAY, reason);

	/*
	 * The window moves only after the ICV verifies, so a packet whose
	 * high half was guessed wrong changes nothing.  NOTE: the retry with
	 * the other high half after many failures in a row (RFC 4303 A3) is
	 * not done, so an SA that loses 2^32 packets in a row stays broken
	 * until it is rekeyed.
	 */
	uint8_t *iv = pkt + ESP_HEADER_LEN;
	uint8_t *ct = iv + iv_len;
	if (unprotect(sa, pkt, seq, iv, ct, ct_len, ct + ct_len) != 0)
		return drop(sa, ESP_DROP_AUTH, reason);
	esp_replay_update(&sa->replay, seq);

	size_t payload_len;
	enum esp_drop why;
	int err = check_payload(sa, ct, ct_len, &payload_len, &why);
	if (err == -ENODATA)
		return err;
	if (err)
		return drop(sa, why, reason);

	sa->bytes += payload_len;
	sa->packets++;
	*inner = ct;
	*inner_len = payload_len;
	*next_header = ct[ct_len - 1];
	return 0;
}

bool esp_peek_spi(const uint8_t *pkt, size_t len, uint32_t *spi)
{
	if (len < ESP_HEADER_LEN)
		return false;
	*spi = get_be32(pkt);
	return true;
}

void esp_sa_clear(struct esp_sa *sa)
{
	if (sa->cipher)
		crypto_cipher_free(sa->cipher);
	secure_zero(sa, sizeof(*sa));
}
