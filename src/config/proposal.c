// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Proposal strings in strongSwan's syntax: algorithm names joined by '-',
 * each becoming one transform of its type.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "crypto/ids.h"

#define PROPOSAL_TEXT_MAX 256

struct alg_name {
	const char *name;
	uint8_t type; /* enum transform_type */
	uint16_t id;
	uint16_t key_bits; /* encryption only */
	bool aead;
};

/* The first name of each algorithm is the one config_format_proposal
 * writes; later entries with the same id are accepted aliases. */
static const struct alg_name algs[] = {
        {"aes128", TRANSFORM_ENCR, ENCR_AES_CBC, 128, false},
        {"aes256", TRANSFORM_ENCR, ENCR_AES_CBC, 256, false},
        {"aes128gcm16", TRANSFORM_ENCR, ENCR_AES_GCM_16, 128, true},
        {"aes256gcm16", TRANSFORM_ENCR, ENCR_AES_GCM_16, 256, true},
        {"aes128gcm", TRANSFORM_ENCR, ENCR_AES_GCM_16, 128, true},
        {"aes256gcm", TRANSFORM_ENCR, ENCR_AES_GCM_16, 256, true},
        {"chacha20poly1305", TRANSFORM_ENCR, ENCR_CHACHA20_POLY1305, 256, true},
        {"sha256", TRANSFORM_INTEG, INTEG_HMAC_SHA2_256_128, 0, false},
        {"sha384", TRANSFORM_INTEG, INTEG_HMAC_SHA2_384_192, 0, false},
        {"sha512", TRANSFORM_INTEG, INTEG_HMAC_SHA2_512_256, 0, false},
        {"prfsha256", TRANSFORM_PRF, PRF_HMAC_SHA2_256, 0, false},
        {"prfsha384", TRANSFORM_PRF, PRF_HMAC_SHA2_384, 0, false},
        {"prfsha512", TRANSFORM_PRF, PRF_HMAC_SHA2_512, 0, false},
        {"x25519", TRANSFORM_DH, DH_X25519, 0, false},
        {"curve25519", TRANSFORM_DH, DH_X25519, 0, false},
        {"ecp256", TRANSFORM_DH, DH_ECP256, 0, false},
        {"ecp384", TRANSFORM_DH, DH_ECP384, 0, false},
        {"modp2048", TRANSFORM_DH, DH_MODP2048, 0, false},
        {"modp3072", TRANSFORM_DH, DH_MODP3072, 0, false},
        {"esn", TRANSFORM_ESN, ESN_YES, 0, false},
        {"noesn", TRANSFORM_ESN, ESN_NO, 0, false},
};

#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

/* Names that are recognized but rejected because the algorithm is broken or
 * too weak: SHA-1, MD5, DES and 3DES, and MODP groups under 2048 bits. */
static const char *const weak_algs[] = {
        "sha1",         "sha",        "md5",        "prfsha1",  "prfmd5",
        "des",          "3des",       "modp768",    "modp1024", "modp1536",
        "modp1024s160", "aes128sha1", "aes256sha1",
};

#define ACCEPTED_IKE                                                           \
	"aes128, aes256, aes128gcm16, aes256gcm16, aes128gcm, aes256gcm, "     \
	"chacha20poly1305, sha256, sha384, sha512, prfsha256, prfsha384, "     \
	"prfsha512, x25519, curve25519, ecp256, ecp384, modp2048, modp3072"
#define ACCEPTED_ESP ACCEPTED_IKE ", esn, noesn"

static const struct alg_name *find_alg(const char *name)
{
	for (size_t i = 0; i < N_ALGS; i++) {
		if (strcmp(algs[i].name, name) == 0)
			return &algs[i];
	}
	return NULL;
}

static bool is_weak(const char *name)
{
	for (size_t i = 0; i < sizeof(weak_algs) / sizeof(weak_algs[0]); i++) {
		if (strcmp(weak_algs[i], name) == 0)
			return true;
	}
	return false;
}

static bool is_aead_encr(const struct cfg_encr *e)
{
	return e->id == ENCR_AES_GCM_16 || e->id == ENCR_CHACHA20_POLY1305;
}

/* Appends one id to a transform list unless it is there already. */
static int add_id(uint16_t *list, size_t *n, uint16_t id)
{
	for (size_t i = 0; i < *n; i++) {
		if (list[i] == id)
			return -EEXIST;
	}
	if (*n >= CFG_MAX_TRANSFORMS)
		return -E2BIG;
	list[(*n)++] = id;
	return 0;
}

static int add_encr(struct cfg_proposal *p, const struct alg_name *a)
{
	for (size_t i = 0; i < p->n_encr; i++) {
		if (p->encr[i].id == a->id &&
		    p->encr[i].key_bits == a->key_bits)
			return -EEXIST;
	}
	if (p->n_encr >= CFG_MAX_TRANSFORMS)
		return -E2BIG;
	p->encr[p->n_encr].id = a->id;
	p->encr[p->n_encr].key_bits = a->key_bits;
	p->n_encr++;
	return 0;
}

static int add_alg(struct cfg_proposal *p, const struct alg_name *a)
{
	switch (a->type) {
	case TRANSFORM_ENCR:
		return add_encr(p, a);
	case TRANSFORM_INTEG:
		return add_id(p->integ, &p->n_integ, a->id);
	case TRANSFORM_PRF:
		return add_id(p->prf, &p->n_prf, a->id);
	case TRANSFORM_DH:
		return add_id(p->dh, &p->n_dh, a->id);
	default:
		if (p->n_esn >= 2)
			return -EEXIST;
		return add_id(p->esn, &p->n_esn, a->id);
	}
}

static int add_token(const char *tok, const char *text, bool is_esp,
                     struct cfg_proposal *p, char *err, size_t errlen)
{
	const char *accepted = is_esp ? ACCEPTED_ESP : ACCEPTED_IKE;
	const struct alg_name *a = find_alg(tok);

	if (is_weak(tok)) {
		snprintf(err, errlen,
		         "algorithm \"%s\" in proposal \"%s\" is rejected as "
		         "insecure; use one of %s",
		         tok, text, accepted);
		return -EINVAL;
	}
	if (!a || (!is_esp && a->type == TRANSFORM_ESN)) {
		snprintf(err, errlen,
		         "unknown algorithm \"%s\" in proposal \"%s\"; use "
		         "one of %s",
		         tok, text, accepted);
		return -EINVAL;
	}
	if (is_esp && a->type == TRANSFORM_PRF) {
		snprintf(err, errlen,
		         "ESP proposal \"%s\" names PRF \"%s\", but ESP has "
		         "no PRF; remove it",
		         text, tok);
		return -EINVAL;
	}

	int rc = add_alg(p, a);
	if (rc == -EEXIST)
		snprintf(err, errlen,
		         "algorithm \"%s\" appears twice in proposal \"%s\"; "
		         "list it once",
		         tok, text);
	else if (rc == -E2BIG)
		snprintf(err, errlen,
		         "proposal \"%s\" has more than %d algorithms of one "
		         "kind; split it into several proposals",
		         text, CFG_MAX_TRANSFORMS);
	return rc < 0 ? -EINVAL : 0;
}

static uint16_t prf_for_integ(uint16_t integ)
{
	switch (integ) {
	case INTEG_HMAC_SHA2_384_192:
		return PRF_HMAC_SHA2_384;
	case INTEG_HMAC_SHA2_512_256:
		return PRF_HMAC_SHA2_512;
	default:
		return PRF_HMAC_SHA2_256;
	}
}

/* Applies the rules that concern the proposal as a whole. */
static int check_proposal(const char *text, bool is_esp, struct cfg_proposal *p,
                          char *err, size_t errlen)
{
	size_t n_aead = 0;

	for (size_t i = 0; i < p->n_encr; i++)
		n_aead += is_aead_encr(&p->encr[i]);

	if (p->n_encr == 0) {
		snprintf(err, errlen,
		         "proposal \"%s\" has no encryption algorithm; add "
		         "one such as aes256gcm16",
		         text);
		return -EINVAL;
	}
	if (n_aead > 0 && n_aead < p->n_encr) {
		snprintf(err, errlen,
		         "proposal \"%s\" mixes AEAD and non-AEAD "
		         "encryption; put them in separate proposals",
		         text);
		return -EINVAL;
	}
	if (n_aead > 0 && p->n_integ > 0) {
		snprintf(err, errlen,
		         "proposal \"%s\" combines an AEAD algorithm with an "
		         "integrity algorithm; remove the integrity algorithm",
		         text);
		return -EINVAL;
	}
	if (n_aead == 0 && p->n_integ == 0) {
		snprintf(err, errlen,
		         "proposal \"%s\" has no integrity algorithm; add one "
		         "such as sha256, or use an AEAD such as aes256gcm16",
		         text);
		return -EINVAL;
	}
	if (is_esp) {
		if (p->n_esn == 0)
			p->esn[p->n_esn++] = ESN_NO;
		return 0;
	}

	if (p->n_prf == 0) {
		for (size_t i = 0; i < p->n_integ; i++)
			add_id(p->prf, &p->n_prf, prf_for_integ(p->integ[i]));
	}
	if (p->n_prf == 0) {
		snprintf(err, errlen,
		         "IKE proposal \"%s\" has no PRF; add one such as "
		         "prfsha256",
		         text);
		return -EINVAL;
	}
	if (p->n_dh == 0) {
		snprintf(err, errlen,
		         "IKE proposal \"%s\" has no key exchange group; add "
		         "one such as x25519",
		         text);
		return -EINVAL;
	}
	return 0;
}

int config_parse_proposal(const char *text, bool is_esp,
                          struct cfg_proposal *out, char *err, size_t errlen)
{
	char copy[PROPOSAL_TEXT_MAX];
	struct cfg_proposal p;
	size_t len = strlen(text);

	if (len == 0 || len >= sizeof(copy)) {
		snprintf(err, errlen,
		         "proposal of %zu characters; write 1 to %d "
		         "characters such as \"aes256gcm16-prfsha256-x25519\"",
		         len, PROPOSAL_TEXT_MAX - 1);
		return -EINVAL;
	}
	memcpy(copy, text, len + 1);
	memset(&p, 0, sizeof(p));

	char *tok = copy;
	for (;;) {
		char *dash = strchr(tok, '-');
		if (dash)
			*dash = '\0';
		if (*tok == '\0') {
			snprintf(err, errlen,
			         "proposal \"%s\" has an empty algorithm "
			         "name; separate names with a single '-'",
			         text);
			return -EINVAL;
		}
		if (add_token(tok, text, is_esp, &p, err, errlen) < 0)
			return -EINVAL;
		if (!dash)
			break;
		tok = dash + 1;
	}

	if (check_proposal(text, is_esp, &p, err, errlen) < 0)
		return -EINVAL;
	*out = p;
	return 0;
}

static const char *alg_label(uint8_t type, uint16_t id, uint16_t key_bits)
{
	for (size_t i = 0; i < N_ALGS; i++) {
		if (algs[i].type == type && algs[i].id == id &&
		    (type != TRANSFORM_ENCR || algs[i].key_bits == key_bits))
			return algs[i].name;
	}
	return "unknown";
}

static void append(char *buf, size_t len, size_t *used, const char *name)
{
	if (*used >= len)
		return;
	int n = snprintf(buf + *used, len - *used, "%s%s", *used ? "-" : "",
	                 name);
	if (n > 0)
		*used += (size_t)n;
}

static void append_ids(char *buf, size_t len, size_t *used, uint8_t type,
                       const uint16_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		append(buf, len, used, alg_label(type, ids[i], 0));
}

void config_format_proposal(const struct cfg_proposal *p, bool is_esp,
                            char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < p->n_encr; i++)
		append(buf, len, &used,
		       alg_label(TRANSFORM_ENCR, p->encr[i].id,
		                 p->encr[i].key_bits));
	append_ids(buf, len, &used, TRANSFORM_INTEG, p->integ, p->n_integ);
	if (!is_esp)
		append_ids(buf, len, &used, TRANSFORM_PRF, p->prf, p->n_prf);
	append_ids(buf, len, &used, TRANSFORM_DH, p->dh, p->n_dh);
	/* "noesn" alone is the default, so it is left out. */
	if (is_esp && !(p->n_esn == 1 && p->esn[0] == ESN_NO))
		append_ids(buf, len, &used, TRANSFORM_ESN, p->esn, p->n_esn);
}
