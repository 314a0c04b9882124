/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * On-traffic start: a packet for the remote network of a connection
 * without SAs starts its IKE SA and waits, with a few more, until the
 * CHILD_SA is up.
 */
#ifndef CREST_DATAPLANE_TRAP_H
#define CREST_DATAPLANE_TRAP_H

#include <stdbool.h>

#include "dataplane/datapath.h"

/*
 * Queues pkt if it belongs to an on-traffic connection of the realm and
 * starts that connection.  Returns false if no such connection covers
 * dst (the caller counts the drop).
 */
bool dp_trap_packet(struct datapath *dp, struct dp_realm *realm,
		    const uint8_t *pkt, size_t len, int family,
		    const uint8_t *dst);
/* Sends the packets queued for a connection whose CHILD_SA came up. */
void dp_trap_flush(struct datapath *dp, const struct cfg_conn *conn);
/* Frees every queued packet. */
void dp_trap_clear(struct datapath *dp);

#endif
