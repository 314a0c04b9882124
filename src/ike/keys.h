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
 * Derives a CHILD_SA's ESP keys from SK_d and the nonces (and a PFS shared
 * secret, or NULL), and sets up both ESP halves with the child's SPIs and
 * selectors.
 */
int child_derive_keys(struct ike_sa *ike, struct child_sa *child,
		      const uint8_t *shared, size_t shared_len,
		      struct esp_stats *stats);

#endif
