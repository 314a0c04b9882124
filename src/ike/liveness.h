/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Liveness checks (RFC 7296 1.4: an empty INFORMATIONAL request). */
#ifndef CREST_IKE_LIVENESS_H
#define CREST_IKE_LIVENESS_H

#include <stdint.h>

#include "ike/engine.h"

/*
 * Sends a liveness check once the peer has been silent, with neither an
 * IKE message nor an inbound ESP packet, for the connection's dpd_delay.
 * An unanswered check fails the SA through the retransmission give-up.
 * Returns the next deadline.
 */
uint64_t liveness_timers(struct ike_engine *eng, struct ike_sa *sa);

#endif
