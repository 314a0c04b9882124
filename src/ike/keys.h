/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Key derivation for IKE SAs and CHILD_SAs (RFC 7296 2.14, 2.17). */
#ifndef CREST_IKE_KEYS_H
#define CREST_IKE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "ike/sa.h"

/*
 * Derives SK_d, SK_pi, SK_pr and the SK payload ciphers of both directions
 * from the shared secret and the nonces and SPIs already in sa.
 */
int ike_derive_keys(struct ike_sa *sa, const uint8_t *shared,
		    size_t shared_len);

/*
 * Derives the keys of an IKE SA created by rekeying `old` (RFC 7296 2.18):
 * SKEYSEED = prf(SK_d(old), g^ir(new) | Ni | Nr), with the new SA's nonces
 * and SPIs already in sa.
 */
int ike_derive_rekey_keys(struct ike_sa *sa, const struct ike_sa *old,
			  const uint8_t *shared, size_t shared_len);

/* The inputs of a CHILD_SA's key material besides SK_d. */
struct child_keying {
	const uint8_t *shared; /* PFS shared secret, or NULL */
	size_t shared_len;
	const uint8_t *ni; /* nonces of the exchange that creates the child */
	size_t ni_len;
	const uint8_t *nr;
	size_t nr_len;
	bool initiator; /* we initiated that exchange */
};

/*
 * Derives a CHILD_SA's ESP keys, prf+(SK_d, [g^ir |] Ni | Nr), and sets up
 * both ESP halves with the child's SPIs and selectors.  The keys for the
 * direction from the exchange's initiator come first (RFC 7296 2.17).
 */
int child_derive_keys(struct ike_sa *ike, struct child_sa *child,
		      const struct child_keying *k, struct esp_stats *stats);

#endif
