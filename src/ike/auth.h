/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pre-shared key authentication (RFC 7296 2.15). */
#ifndef CREST_IKE_AUTH_H
#define CREST_IKE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ike/sa.h"

#define AUTH_KEY_PAD "Key Pad for IKEv2"

/*
 * Builds the octets an AUTH payload signs: the sender's IKE_SA_INIT
 * message, the other side's nonce and prf(SK_p, ID payload body).
 * `of_initiator` selects whose octets.  *out is malloc'd.
 */
int auth_signed_octets(const struct ike_sa *sa, bool of_initiator,
		       const uint8_t *id_body, size_t id_len, uint8_t **out,
		       size_t *out_len);

/* AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets); out gets prf_len. */
int auth_psk_compute(uint16_t prf_id, const uint8_t *psk, size_t psk_len,
		     const uint8_t *octets, size_t octets_len, uint8_t *out);

struct secrets;

/*
 * Looks up the PSK of the connection's pair of identities and computes the
 * AUTH value over octets.  Returns -ENOENT when the secrets hold no PSK
 * for that pair.
 */
int auth_psk_lookup(const struct secrets *secrets, const struct cfg_conn *conn,
		    uint16_t prf_id, const uint8_t *octets, size_t octets_len,
		    uint8_t *out);

#endif
