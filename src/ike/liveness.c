// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/liveness.h"

#include "ike/engine_internal.h"

static uint64_t inbound_packets(const struct ike_sa *sa)
{
	uint64_t n = 0;
	for (const struct child_sa *c = sa->children; c; c = c->next)
		n += c->in.packets;
	return n;
}

uint64_t liveness_timers(struct ike_engine *eng, struct ike_sa *sa)
{
	unsigned delay = sa->conn->dpd_delay_ms;
	if (sa->state != IKE_STATE_ESTABLISHED || delay == 0)
		return UINT64_MAX;

	/* ESP from the peer proves it alive as well as IKE does. */
	uint64_t packets = inbound_packets(sa);
	if (packets != sa->rx_packets_seen || sa->last_rx_ms == 0) {
		sa->rx_packets_seen = packets;
		if (packets || sa->last_rx_ms == 0)
			sa->last_rx_ms = eng->now_ms;
	}
	if (eng->now_ms - sa->last_rx_ms < delay)
		return sa->last_rx_ms + delay;
	if (sa->request || sa->pending.task != TASK_NONE)
		return UINT64_MAX; /* an outstanding request checks already */

	ike_log(sa, LOG_DEBUG, "no traffic from the peer for %u ms, sending "
		"a liveness check", delay);
	sa->last_rx_ms = eng->now_ms;
	ike_send_request(eng, sa, INFORMATIONAL);
	return UINT64_MAX;
}
