// SPDX-License-Identifier: LGPL-2.1-or-later
/* IKEv2 key derivation: prf+ and SKEYSEED (RFC 7296 2.13, 2.14, 2.17, 2.18). */
#include "crypto/kdf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/secure.h"

/*
 * A concatenation of several inputs in one heap buffer.  The caller wipes
 * and frees it with concat_free because it may contain key material.
 */
struct concat {
	uint8_t *data;
	size_t len;
};

static int concat_build(struct concat *c, const uint8_t *const parts[],
                        const size_t lens[], size_t count)
{
	size_t off = 0;

	c->len = 0;
	for (size_t i = 0; i < count; i++) {
		if (!parts[i] && lens[i])
			return -EINVAL;
		c->len += lens[i];
	}
	/* One spare byte so that an empty concatenation is not malloc(0). */
	c->data = malloc(c->len + 1);
	if (!c->data)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		if (lens[i])
			memcpy(c->data + off, parts[i], lens[i]);
		off += lens[i];
	}
	return 0;
}

static void concat_free(struct concat *c)
{
	if (!c->data)
		return;
	secure_zero(c->data, c->len);
	free(c->data);
	c->data = NULL;
}

/* One PRF call with a fresh key: prf(key, data). */
static int prf_once(const struct crypto_provider *p, uint16_t prf_id,
                    const uint8_t *key, size_t key_len, const uint8_t *data,
                    size_t len, uint8_t *out)
{
	struct crypto_prf *prf;
	int ret;

	ret = p->prf_new(prf_id, key, key_len, &prf);
	if (ret)
		return ret;
	ret = p->prf_compute(prf, data, len, out);
	p->prf_free(prf);
	return ret;
}

/*
 * T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n); the output is
 * T1 | T2 | ... cut to out_len.  Each round's input lives in one buffer of
 * prf_len + seed_len + 1 bytes, with the previous T in front.
 */
static int prf_plus_rounds(const struct crypto_provider *p,
                           struct crypto_prf *prf, size_t prf_len,
                           const uint8_t *seed, size_t seed_len, uint8_t *out,
                           size_t out_len)
{
	uint8_t t[CRYPTO_MAX_PRF_LEN];
	size_t in_cap = prf_len + seed_len + 1;
	uint8_t *in = malloc(in_cap);
	size_t done = 0;
	int ret = 0;

	if (!in)
		return -ENOMEM;
	if (seed_len)
		memcpy(in + prf_len, seed, seed_len);
	for (unsigned int n = 1; done < out_len; n++) {
		size_t chunk =
		        out_len - done < prf_len ? out_len - done : prf_len;
		const uint8_t *start = n == 1 ? in + prf_len : in;

		in[in_cap - 1] = (uint8_t)n;
		ret = p->prf_compute(prf, start, in + in_cap - start, t);
		if (ret)
			break;
		memcpy(in, t, prf_len);
		memcpy(out + done, t, chunk);
		done += chunk;
	}
	secure_zero(t, sizeof(t));
	secure_zero(in, in_cap);
	free(in);
	return ret;
}

int kdf_prf_plus(const struct crypto_provider *p, uint16_t prf_id,
                 const uint8_t *key, size_t key_len, const uint8_t *seed,
                 size_t seed_len, uint8_t *out, size_t out_len)
{
	size_t prf_len = p->prf_len(prf_id);
	struct crypto_prf *prf;
	int ret;

	if (prf_len == 0 || prf_len > CRYPTO_MAX_PRF_LEN)
		return -ENOTSUP;
	if (out_len > 255 * prf_len || (!seed && seed_len))
		return -EINVAL;
	ret = p->prf_new(prf_id, key, key_len, &prf);
	if (ret)
		return ret;
	ret = prf_plus_rounds(p, prf, prf_len, seed, seed_len, out, out_len);
	p->prf_free(prf);
	if (ret)
		secure_zero(out, out_len);
	return ret;
}

int kdf_skeyseed(const struct crypto_provider *p, uint16_t prf_id,
                 const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                 size_t nr_len, const uint8_t *shared, size_t shared_len,
                 uint8_t *out)
{
	const uint8_t *parts[] = {ni, nr};
	const size_t lens[] = {ni_len, nr_len};
	struct concat key = {0};
	int ret;

	ret = concat_build(&key, parts, lens, 2);
	if (ret == 0)
		ret = prf_once(p, prf_id, key.data, key.len, shared, shared_len,
		               out);
	concat_free(&key);
	return ret;
}

int kdf_rekey_skeyseed(const struct crypto_provider *p, uint16_t prf_id,
                       const uint8_t *sk_d, size_t sk_d_len,
                       const uint8_t *shared, size_t shared_len,
                       const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                       size_t nr_len, uint8_t *out)
{
	const uint8_t *parts[] = {shared, ni, nr};
	const size_t lens[] = {shared_len, ni_len, nr_len};
	struct concat data = {0};
	int ret;

	ret = concat_build(&data, parts, lens, 3);
	if (ret == 0)
		ret = prf_once(p, prf_id, sk_d, sk_d_len, data.data, data.len,
		               out);
	concat_free(&data);
	return ret;
}

static void put_be64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

int kdf_ike_keymat(const struct crypto_provider *p, uint16_t prf_id,
                   const uint8_t *skeyseed, size_t skeyseed_len,
                   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                   size_t nr_len, uint64_t spi_i, uint64_t spi_r, uint8_t *out,
                   size_t out_len)
{
	uint8_t spis[16];
	const uint8_t *parts[] = {ni, nr, spis};
	const size_t lens[] = {ni_len, nr_len, sizeof(spis)};
	struct concat seed = {0};
	int ret;

	put_be64(spis, spi_i);
	put_be64(spis + 8, spi_r);
	ret = concat_build(&seed, parts, lens, 3);
	if (ret == 0)
		ret = kdf_prf_plus(p, prf_id, skeyseed, skeyseed_len, seed.data,
		                   seed.len, out, out_len);
	concat_free(&seed);
	return ret;
}

int kdf_child_keymat(const struct crypto_provider *p, uint16_t prf_id,
                     const uint8_t *sk_d, size_t sk_d_len,
                     const uint8_t *shared, size_t shared_len,
                     const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                     size_t nr_len, uint8_t *out, size_t out_len)
{
	const uint8_t *parts[] = {shared, ni, nr};
	const size_t lens[] = {shared_len, ni_len, nr_len};
	struct concat seed = {0};
	int ret;

	ret = concat_build(&seed, parts, lens, 3);
	if (ret == 0)
		ret = kdf_prf_plus(p, prf_id, sk_d, sk_d_len, seed.data,
		                   seed.len, out, out_len);
	concat_free(&seed);
	return ret;
}
