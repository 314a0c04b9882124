// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/sk.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "util/secure.h"

int sk_seal(struct crypto_cipher *c, const struct ike_header *hdr,
	    uint8_t first, const uint8_t *plain, size_t plain_len,
	    uint8_t *out, size_t cap, size_t *out_len)
{
	size_t iv_len = crypto_cipher_iv_len(c);
	size_t block = crypto_cipher_block_len(c);
	size_t icv_len = crypto_cipher_icv_len(c);
	size_t pad = (block - (plain_len + 1) % block) % block;
	size_t ct_len = plain_len + pad + 1;
	size_t sk_len = IKE_PAYLOAD_HEADER_LEN + iv_len + ct_len + icv_len;
	size_t total = IKE_HEADER_LEN + sk_len;

	if (total > cap || sk_len > 0xffff)
		return -ENOSPC;

	struct ike_builder b;
	struct ike_header h = *hdr;
	h.next_payload = PL_SK;
	ike_build_init(&b, out, cap, &h);
	if (!ike_payload_begin(&b, PL_SK, false))
		return -ENOSPC;
	*b.next_field = first;

	uint8_t *iv, *ct, *icv;
	if (!write_reserve(&b.w, &iv, iv_len) ||
	    !write_reserve(&b.w, &ct, ct_len) ||
	    !write_reserve(&b.w, &icv, icv_len) || !ike_payload_end(&b))
		return -ENOSPC;
	if (ike_build_finish(&b) != total)
		return -EINVAL;

	int err = random_bytes(iv, iv_len);
	if (err < 0)
		return err;
	memcpy(ct, plain, plain_len);
	memset(ct + plain_len, 0, pad);
	ct[ct_len - 1] = (uint8_t)pad;

	/* Associated data: everything before the IV. */
	err = crypto_cipher_encrypt(c, out, (size_t)(iv - out), iv, ct,
				    ct_len, icv);
	if (err < 0)
		return err;
	*out_len = total;
	return 0;
}

int sk_open(struct crypto_cipher *c, uint8_t *msg, size_t len,
	    struct ike_message *m)
{
	const struct ike_payload *sk = ike_find(m, PL_SK);
	if (!sk)
		return -ENOENT;

	size_t iv_len = crypto_cipher_iv_len(c);
	size_t icv_len = crypto_cipher_icv_len(c);
	if (sk->len < iv_len + icv_len + 1)
		return -EBADMSG;

	/*
	 * No alignment check here: an AEAD peer may pad to any length
	 * (strongSwan 5.9.8 pads AES-GCM to 1 byte), and
	 * crypto_cipher_decrypt rejects CBC input that is not whole blocks.
	 */
	size_t body = sk->offset + IKE_PAYLOAD_HEADER_LEN;
	size_t ct_len = sk->len - iv_len - icv_len;
	if (body + sk->len > len)
		return -EBADMSG;

	uint8_t *iv = msg + body;
	uint8_t *ct = iv + iv_len;
	int err = crypto_cipher_decrypt(c, msg, body, iv, ct, ct_len,
					ct + ct_len);
	if (err < 0)
		return err;

	size_t pad = ct[ct_len - 1];
	if (pad + 1 > ct_len)
		return -EBADMSG;
	uint8_t first = m->sk_first;
	return ike_parse_chain(first, ct, ct_len - pad - 1,
			       (size_t)(ct - msg), m) < 0
		       ? SK_INNER_MALFORMED
		       : 0;
}
