// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/auth.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/secrets.h"
#include "util/secure.h"

static int prf_once(uint16_t prf_id, const uint8_t *key, size_t key_len,
		    const uint8_t *data, size_t len, uint8_t *out)
{
	const struct crypto_provider *p = crypto_default();
	struct crypto_prf *prf;
	int err = p->prf_new(prf_id, key, key_len, &prf);
	if (err < 0)
		return err;
	err = p->prf_compute(prf, data, len, out);
	p->prf_free(prf);
	return err;
}

int auth_signed_octets(const struct ike_sa *sa, bool of_initiator,
		       const uint8_t *id_body, size_t id_len, uint8_t **out,
		       size_t *out_len)
{
	const uint8_t *msg = of_initiator ? sa->init_request : sa->init_response;
	size_t msg_len = of_initiator ? sa->init_request_len
				      : sa->init_response_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	size_t nonce_len = of_initiator ? sa->nr_len : sa->ni_len;
	const uint8_t *sk_p = of_initiator ? sa->sk_pi : sa->sk_pr;

	if (!msg || sa->prf_len == 0)
		return -EINVAL;
	size_t total = msg_len + nonce_len + sa->prf_len;
	uint8_t *buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, msg, msg_len);
	memcpy(buf + msg_len, nonce, nonce_len);
	int err = prf_once(sa->alg.prf, sk_p, sa->prf_len, id_body, id_len,
			   buf + msg_len + nonce_len);
	if (err < 0) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_len = total;
	return 0;
}

int auth_psk_compute(uint16_t prf_id, const uint8_t *psk, size_t psk_len,
		     const uint8_t *octets, size_t octets_len, uint8_t *out)
{
	uint8_t pad_key[CRYPTO_MAX_PRF_LEN];
	int err = prf_once(prf_id, psk, psk_len, (const uint8_t *)AUTH_KEY_PAD,
			   strlen(AUTH_KEY_PAD), pad_key);
	if (err == 0)
		err = prf_once(prf_id, pad_key,
			       crypto_default()->prf_len(prf_id), octets,
			       octets_len, out);
	secure_zero(pad_key, sizeof(pad_key));
	return err;
}

int auth_psk_lookup(const struct secrets *secrets, const struct cfg_conn *conn,
		    uint16_t prf_id, const uint8_t *octets, size_t octets_len,
		    uint8_t *out)
{
	const struct psk_entry *psk =
		secrets ? secrets_find_psk(secrets, &conn->local_id,
					   &conn->remote_id)
			: NULL;
	if (!psk)
		return -ENOENT;
	return auth_psk_compute(prf_id, psk->key, psk->key_len, octets,
				octets_len, out);
}
