/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Proposal encoding and selection (RFC 7296 2.7, 3.3). */
#ifndef CREST_IKE_PROPOSAL_H
#define CREST_IKE_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "ike/sa.h"
#include "wire/ike.h"

/*
 * Converts configured proposals to wire proposals numbered from 1, each
 * carrying spi (0, 4 or 8 bytes).  include_dh is false for a CHILD_SA
 * created in IKE_AUTH, which has no key exchange of its own.
 */
size_t proposals_to_wire(const struct cfg_proposal *cfg, size_t n,
			 uint8_t protocol, const uint8_t *spi, size_t spi_len,
			 bool include_dh, struct ike_proposal *out);

/*
 * Responder: picks the first of our proposals, in our order, that one of
 * the peer's proposals can satisfy, and fills *chosen (the peer's
 * proposal number and SPI, one transform of each type) and *alg.  For the
 * group, the peer's KE group wins if both sides allow it; otherwise the
 * first group of ours the peer also offers is chosen, and the caller must
 * answer INVALID_KE_PAYLOAD naming it.  use_dh is false in IKE_AUTH.
 * Returns 0, or -ENOENT when nothing matches (NO_PROPOSAL_CHOSEN).
 */
int proposal_select(const struct cfg_proposal *ours, size_t n_ours,
		    const struct ike_sa_payload *theirs, uint8_t protocol,
		    bool use_dh, uint16_t ke_group, struct ike_proposal *chosen,
		    struct negotiated *alg);

/*
 * Initiator: checks that the responder's single chosen proposal is one of
 * ours and fills *alg.  Returns 0 or -ENOENT.
 */
int proposal_accept(const struct cfg_proposal *ours, size_t n_ours,
		    const struct ike_sa_payload *theirs, uint8_t protocol,
		    bool use_dh, struct negotiated *alg,
		    struct ike_proposal *chosen);

/* Formats negotiated algorithms as "aes256gcm16/prfsha256/x25519". */
void negotiated_format(const struct negotiated *alg, bool is_esp, char *buf,
		       size_t len);

#endif
