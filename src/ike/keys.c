// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/keys.h"

#include <errno.h>
#include <string.h>

#include "crypto/kdf.h"
#include "util/secure.h"

#define MAX_KEYMAT (3 * CRYPTO_MAX_PRF_LEN + 4 * CRYPTO_MAX_KEY_LEN)

struct key_sizes {
	size_t encr;
	size_t integ;
};

static int key_sizes(const struct negotiated *alg, struct key_sizes *ks)
{
	ks->encr = crypto_encr_keymat_len(alg->encr, alg->key_bits);
	ks->integ = crypto_integ_key_len(alg->integ);
	if (ks->encr == 0)
		return -ENOTSUP;
	if (!crypto_encr_is_aead(alg->encr) && ks->integ == 0)
		return -ENOTSUP;
	return 0;
}

static int make_cipher(const struct negotiated *alg,
		       const struct key_sizes *ks, const uint8_t *encr_key,
		       const uint8_t *integ_key, struct crypto_cipher **out)
{
	return crypto_cipher_new(crypto_default(), alg->encr, alg->key_bits,
				 alg->integ, encr_key, ks->encr, integ_key,
				 ks->integ, out);
}

/* Splits prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) into the SA's keys. */
static int derive_from_skeyseed(struct ike_sa *sa, const uint8_t *skeyseed,
				size_t skeyseed_len, const struct key_sizes *ks)
{
	const struct crypto_provider *p = crypto_default();
	size_t prf_len = p->prf_len(sa->alg.prf);
	size_t total = 3 * prf_len + 2 * ks->integ + 2 * ks->encr;
	uint8_t keymat[MAX_KEYMAT];
	if (total > sizeof(keymat))
		return -ENOTSUP;

	int err = kdf_ike_keymat(p, sa->alg.prf, skeyseed, skeyseed_len, sa->ni,
				 sa->ni_len, sa->nr, sa->nr_len, sa->spi_i,
				 sa->spi_r, keymat, total);
	if (err < 0)
		goto out;

	/* SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr */
	const uint8_t *sk_ai = keymat + prf_len;
	const uint8_t *sk_ar = sk_ai + ks->integ;
	const uint8_t *sk_ei = sk_ar + ks->integ;
	const uint8_t *sk_er = sk_ei + ks->encr;
	memcpy(sa->sk_d, keymat, prf_len);
	memcpy(sa->sk_pi, sk_er + ks->encr, prf_len);
	memcpy(sa->sk_pr, sk_er + ks->encr + prf_len, prf_len);
	sa->prf_len = prf_len;

	crypto_cipher_free(sa->sk_in);
	crypto_cipher_free(sa->sk_out);
	sa->sk_in = sa->sk_out = NULL;
	const uint8_t *out_e = sa->initiator ? sk_ei : sk_er;
	const uint8_t *out_a = sa->initiator ? sk_ai : sk_ar;
	const uint8_t *in_e = sa->initiator ? sk_er : sk_ei;
	const uint8_t *in_a = sa->initiator ? sk_ar : sk_ai;
	err = make_cipher(&sa->alg, ks, out_e, out_a, &sa->sk_out);
	if (err == 0)
		err = make_cipher(&sa->alg, ks, in_e, in_a, &sa->sk_in);
out:
	secure_zero(keymat, sizeof(keymat));
	return err;
}

int ike_derive_keys(struct ike_sa *sa, const uint8_t *shared,
		    size_t shared_len)
{
	const struct crypto_provider *p = crypto_default();
	struct key_sizes ks;
	int err = key_sizes(&sa->alg, &ks);
	if (err < 0)
		return err;
	size_t prf_len = p->prf_len(sa->alg.prf);
	if (prf_len == 0)
		return -ENOTSUP;

	uint8_t skeyseed[CRYPTO_MAX_PRF_LEN];
	err = kdf_skeyseed(p, sa->alg.prf, sa->ni, sa->ni_len, sa->nr,
			   sa->nr_len, shared, shared_len, skeyseed);
	if (err == 0)
		err = derive_from_skeyseed(sa, skeyseed, prf_len, &ks);
	secure_zero(skeyseed, sizeof(skeyseed));
	return err;
}

int ike_derive_rekey_keys(struct ike_sa *sa, const struct ike_sa *old,
			  const uint8_t *shared, size_t shared_len)
{
	const struct crypto_provider *p = crypto_default();
	struct key_sizes ks;
	int err = key_sizes(&sa->alg, &ks);
	if (err < 0)
		return err;
	size_t prf_len = p->prf_len(sa->alg.prf);
	if (prf_len == 0)
		return -ENOTSUP;

	/* The old SA's PRF computes SKEYSEED from its SK_d. */
	uint8_t skeyseed[CRYPTO_MAX_PRF_LEN];
	err = kdf_rekey_skeyseed(p, old->alg.prf, old->sk_d, old->prf_len,
				 shared, shared_len, sa->ni, sa->ni_len,
				 sa->nr, sa->nr_len, skeyseed);
	if (err == 0)
		err = derive_from_skeyseed(sa, skeyseed,
					   p->prf_len(old->alg.prf), &ks);
	secure_zero(skeyseed, sizeof(skeyseed));
	return err;
}

static void setup_esp(struct esp_sa *esp, uint32_t spi, bool inbound,
		      const struct negotiated *alg,
		      struct crypto_cipher *cipher, struct esp_stats *stats)
{
	memset(esp, 0, sizeof(*esp));
	esp->spi = spi;
	esp->inbound = inbound;
	esp->esn = alg->esn == ESN_YES;
	esp->cipher = cipher;
	esp->seq_max = esp->esn ? ESP_SEQ_MAX_ESN : ESP_SEQ_MAX;
	esp->stats = stats;
}

int child_derive_keys(struct ike_sa *ike, struct child_sa *child,
		      const struct child_keying *k, struct esp_stats *stats)
{
	const struct crypto_provider *p = crypto_default();
	struct key_sizes ks;
	int err = key_sizes(&child->alg, &ks);
	if (err < 0)
		return err;

	uint8_t keymat[MAX_KEYMAT];
	size_t half = ks.encr + ks.integ;
	err = kdf_child_keymat(p, ike->alg.prf, ike->sk_d, ike->prf_len,
			       k->shared, k->shared_len, k->ni, k->ni_len,
			       k->nr, k->nr_len, keymat, 2 * half);
	if (err < 0)
		goto out;

	/* Initiator-to-responder keys come first, encryption before
	 * integrity. */
	const uint8_t *i2r = keymat, *r2i = keymat + half;
	const uint8_t *out_k = k->initiator ? i2r : r2i;
	const uint8_t *in_k = k->initiator ? r2i : i2r;
	struct crypto_cipher *cin = NULL, *cout = NULL;
	err = make_cipher(&child->alg, &ks, out_k, out_k + ks.encr, &cout);
	if (err == 0)
		err = make_cipher(&child->alg, &ks, in_k, in_k + ks.encr, &cin);
	if (err < 0) {
		crypto_cipher_free(cin);
		crypto_cipher_free(cout);
		goto out;
	}

	setup_esp(&child->out, child->spi_out, false, &child->alg, cout,
		  stats);
	setup_esp(&child->in, child->spi_in, true, &child->alg, cin, stats);
	size_t nl = child->n_local_ts < ESP_MAX_TS ? child->n_local_ts
						   : ESP_MAX_TS;
	size_t nr = child->n_remote_ts < ESP_MAX_TS ? child->n_remote_ts
						    : ESP_MAX_TS;
	memcpy(child->in.local_ts, child->local_ts, nl * sizeof(child->local_ts[0]));
	memcpy(child->in.remote_ts, child->remote_ts,
	       nr * sizeof(child->remote_ts[0]));
	child->in.n_local_ts = nl;
	child->in.n_remote_ts = nr;
out:
	secure_zero(keymat, sizeof(keymat));
	return err;
}
