// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/proposal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void add_transform(struct ike_proposal *p, uint8_t type, uint16_t id,
			  uint16_t key_bits)
{
	if (p->n_transforms >= IKE_MAX_TRANSFORMS)
		return;
	struct ike_transform *t = &p->transforms[p->n_transforms++];
	t->type = type;
	t->id = id;
	t->key_bits = key_bits;
}

size_t proposals_to_wire(const struct cfg_proposal *cfg, size_t n,
			 uint8_t protocol, const uint8_t *spi, size_t spi_len,
			 bool include_dh, struct ike_proposal *out)
{
	if (n > IKE_MAX_PROPOSALS)
		n = IKE_MAX_PROPOSALS;
	for (size_t i = 0; i < n; i++) {
		const struct cfg_proposal *c = &cfg[i];
		struct ike_proposal *p = &out[i];
		memset(p, 0, sizeof(*p));
		p->num = (uint8_t)(i + 1);
		p->protocol = protocol;
		p->spi_len = (uint8_t)spi_len;
		if (spi_len > 0)
			memcpy(p->spi, spi, spi_len);

		for (size_t j = 0; j < c->n_encr; j++)
			add_transform(p, TRANSFORM_ENCR, c->encr[j].id,
				      c->encr[j].key_bits);
		if (protocol == PROTO_IKE)
			for (size_t j = 0; j < c->n_prf; j++)
				add_transform(p, TRANSFORM_PRF, c->prf[j], 0);
		for (size_t j = 0; j < c->n_integ; j++)
			add_transform(p, TRANSFORM_INTEG, c->integ[j], 0);
		if (include_dh)
			for (size_t j = 0; j < c->n_dh; j++)
				add_transform(p, TRANSFORM_DH, c->dh[j], 0);
		if (protocol == PROTO_ESP) {
			if (c->n_esn == 0)
				add_transform(p, TRANSFORM_ESN, ESN_NO, 0);
			for (size_t j = 0; j < c->n_esn; j++)
				add_transform(p, TRANSFORM_ESN, c->esn[j], 0);
		}
	}
	return n;
}

static bool has_transform(const struct ike_proposal *p, uint8_t type,
			  uint16_t id, uint16_t key_bits)
{
	for (size_t i = 0; i < p->n_transforms; i++) {
		const struct ike_transform *t = &p->transforms[i];
		if (t->type == type && t->id == id && t->key_bits == key_bits)
			return true;
	}
	return false;
}

static bool has_type(const struct ike_proposal *p, uint8_t type)
{
	for (size_t i = 0; i < p->n_transforms; i++)
		if (p->transforms[i].type == type)
			return true;
	return false;
}

/* First id from ours (in our order) that the peer's proposal also has. */
static bool pick(const uint16_t *ids, size_t n, const struct ike_proposal *p,
		 uint8_t type, uint16_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (has_transform(p, type, ids[i], 0)) {
			*out = ids[i];
			return true;
		}
	}
	return false;
}

static bool pick_encr(const struct cfg_proposal *c,
		      const struct ike_proposal *p, struct negotiated *alg)
{
	for (size_t i = 0; i < c->n_encr; i++) {
		if (has_transform(p, TRANSFORM_ENCR, c->encr[i].id,
				  c->encr[i].key_bits)) {
			alg->encr = c->encr[i].id;
			alg->key_bits = c->encr[i].key_bits;
			return true;
		}
	}
	return false;
}

static bool pick_integ(const struct cfg_proposal *c,
		       const struct ike_proposal *p, struct negotiated *alg)
{
	if (c->n_integ == 0) {
		/* AEAD: the peer may list no integrity or NONE. */
		alg->integ = INTEG_NONE;
		return !has_type(p, TRANSFORM_INTEG) ||
		       has_transform(p, TRANSFORM_INTEG, INTEG_NONE, 0);
	}
	return pick(c->integ, c->n_integ, p, TRANSFORM_INTEG, &alg->integ);
}

static bool pick_dh(const struct cfg_proposal *c, const struct ike_proposal *p,
		    uint8_t protocol, uint16_t ke_group, struct negotiated *alg)
{
	alg->dh = DH_NONE;
	if (protocol == PROTO_ESP && c->n_dh == 0)
		return !has_type(p, TRANSFORM_DH) ||
		       has_transform(p, TRANSFORM_DH, DH_NONE, 0);
	for (size_t i = 0; i < c->n_dh; i++) {
		if (c->dh[i] == ke_group &&
		    has_transform(p, TRANSFORM_DH, ke_group, 0)) {
			alg->dh = ke_group;
			return true;
		}
	}
	return pick(c->dh, c->n_dh, p, TRANSFORM_DH, &alg->dh);
}

static bool pick_esn(const struct cfg_proposal *c,
		     const struct ike_proposal *p, struct negotiated *alg)
{
	static const uint16_t no_esn[] = { ESN_NO };
	alg->esn = ESN_NO;
	if (!has_type(p, TRANSFORM_ESN))
		return c->n_esn == 0 || c->esn[0] == ESN_NO ||
		       (c->n_esn > 1 && c->esn[1] == ESN_NO);
	if (c->n_esn == 0)
		return pick(no_esn, 1, p, TRANSFORM_ESN, &alg->esn);
	return pick(c->esn, c->n_esn, p, TRANSFORM_ESN, &alg->esn);
}

/*
 * Whether a proposal may be chosen at all.  RFC 7296 3.3.6 makes a
 * proposal with a transform type crest does not know unacceptable.  An SPI
 * of zero is reserved for ESP (RFC 4303 2.1) and invalid for an IKE SA.
 */
static bool acceptable(const struct ike_proposal *p)
{
	for (size_t i = 0; i < p->n_transforms; i++)
		if (p->transforms[i].type < TRANSFORM_ENCR ||
		    p->transforms[i].type > TRANSFORM_ESN)
			return false;
	if (p->spi_len == 0)
		return true;
	for (size_t i = 0; i < p->spi_len; i++)
		if (p->spi[i] != 0)
			return true;
	return false;
}

static bool match(const struct cfg_proposal *c, const struct ike_proposal *p,
		  uint8_t protocol, bool use_dh, uint16_t ke_group,
		  struct negotiated *alg)
{
	memset(alg, 0, sizeof(*alg));
	if (p->protocol != protocol || !acceptable(p) || !pick_encr(c, p, alg) ||
	    !pick_integ(c, p, alg))
		return false;
	if (protocol == PROTO_IKE &&
	    !pick(c->prf, c->n_prf, p, TRANSFORM_PRF, &alg->prf))
		return false;
	if (use_dh && !pick_dh(c, p, protocol, ke_group, alg))
		return false;
	if (protocol == PROTO_ESP && !pick_esn(c, p, alg))
		return false;
	return true;
}

static void fill_chosen(const struct ike_proposal *theirs,
			const struct negotiated *alg, uint8_t protocol,
			struct ike_proposal *chosen)
{
	memset(chosen, 0, sizeof(*chosen));
	chosen->num = theirs->num;
	chosen->protocol = protocol;
	chosen->spi_len = theirs->spi_len;
	memcpy(chosen->spi, theirs->spi, theirs->spi_len);
	add_transform(chosen, TRANSFORM_ENCR, alg->encr, alg->key_bits);
	if (protocol == PROTO_IKE)
		add_transform(chosen, TRANSFORM_PRF, alg->prf, 0);
	if (alg->integ != INTEG_NONE)
		add_transform(chosen, TRANSFORM_INTEG, alg->integ, 0);
	if (alg->dh != DH_NONE)
		add_transform(chosen, TRANSFORM_DH, alg->dh, 0);
	if (protocol == PROTO_ESP)
		add_transform(chosen, TRANSFORM_ESN, alg->esn, 0);
}

int proposal_select(const struct cfg_proposal *ours, size_t n_ours,
		    const struct ike_sa_payload *theirs, uint8_t protocol,
		    bool use_dh, uint16_t ke_group, struct ike_proposal *chosen,
		    struct negotiated *alg)
{
	for (size_t i = 0; i < n_ours; i++) {
		for (size_t j = 0; j < theirs->n_proposals; j++) {
			const struct ike_proposal *p = &theirs->proposals[j];
			if (match(&ours[i], p, protocol, use_dh, ke_group,
				  alg)) {
				fill_chosen(p, alg, protocol, chosen);
				return 0;
			}
		}
	}
	return -ENOENT;
}

int proposal_accept(const struct cfg_proposal *ours, size_t n_ours,
		    const struct ike_sa_payload *theirs, uint8_t protocol,
		    bool use_dh, struct negotiated *alg,
		    struct ike_proposal *chosen)
{
	if (theirs->n_proposals != 1)
		return -ENOENT;
	const struct ike_proposal *p = &theirs->proposals[0];

	/* The response must carry exactly one transform of each type. */
	unsigned seen[6] = { 0 };
	for (size_t i = 0; i < p->n_transforms; i++) {
		uint8_t type = p->transforms[i].type;
		if (type < 6 && ++seen[type] > 1)
			return -ENOENT;
	}
	for (size_t i = 0; i < n_ours; i++) {
		uint16_t group = DH_NONE;
		for (size_t k = 0; k < p->n_transforms; k++)
			if (p->transforms[k].type == TRANSFORM_DH)
				group = p->transforms[k].id;
		if (match(&ours[i], p, protocol, use_dh, group, alg)) {
			*chosen = *p;
			return 0;
		}
	}
	return -ENOENT;
}

static const char *encr_name(uint16_t id, uint16_t bits)
{
	switch (id) {
	case ENCR_AES_GCM_16:
		return bits == 128 ? "aes128gcm16" : "aes256gcm16";
	case ENCR_AES_CBC:
		return bits == 128 ? "aes128" : "aes256";
	case ENCR_CHACHA20_POLY1305:
		return "chacha20poly1305";
	}
	return "?";
}

static const char *integ_name(uint16_t id)
{
	switch (id) {
	case INTEG_HMAC_SHA2_256_128:
		return "sha256";
	case INTEG_HMAC_SHA2_384_192:
		return "sha384";
	case INTEG_HMAC_SHA2_512_256:
		return "sha512";
	}
	return "?";
}

static const char *prf_name(uint16_t id)
{
	switch (id) {
	case PRF_HMAC_SHA2_256:
		return "prfsha256";
	case PRF_HMAC_SHA2_384:
		return "prfsha384";
	case PRF_HMAC_SHA2_512:
		return "prfsha512";
	}
	return "?";
}

static const char *dh_name(uint16_t id)
{
	switch (id) {
	case DH_X25519:
		return "x25519";
	case DH_ECP256:
		return "ecp256";
	case DH_ECP384:
		return "ecp384";
	case DH_MODP2048:
		return "modp2048";
	case DH_MODP3072:
		return "modp3072";
	}
	return "?";
}

void negotiated_format(const struct negotiated *alg, bool is_esp, char *buf,
		       size_t len)
{
	int n = snprintf(buf, len, "%s", encr_name(alg->encr, alg->key_bits));
	if (alg->integ != INTEG_NONE && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "/%s",
			      integ_name(alg->integ));
	if (!is_esp && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "/%s",
			      prf_name(alg->prf));
	if (alg->dh != DH_NONE && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "/%s",
			      dh_name(alg->dh));
	if (is_esp && alg->esn && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "/esn");
}
