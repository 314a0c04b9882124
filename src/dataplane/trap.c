// SPDX-License-Identifier: LGPL-2.1-or-later
#include "dataplane/trap.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"

/* Finds the on-traffic child whose remote selectors cover dst. */
static struct cfg_conn *trapped_conn(struct datapath *dp,
				     struct dp_realm *realm, int family,
				     const uint8_t *dst, size_t *index)
{
	for (size_t i = 0; i < realm->cfg->n_conns; i++) {
		struct cfg_conn *c = &realm->cfg->conns[i];
		for (size_t k = 0; k < c->n_children; k++) {
			const struct cfg_child *ch = &c->children[k];
			if (!ike_engine_child_trapped(dp->eng, c, k))
				continue;
			for (size_t t = 0; t < ch->n_remote_ts; t++) {
				if (!ts_contains_addr(&ch->remote_ts[t],
						      family, dst))
					continue;
				*index = k;
				return c;
			}
		}
	}
	return NULL;
}

static struct dp_trap_queue *queue_of(struct datapath *dp,
				      const struct cfg_conn *conn, bool create)
{
	struct dp_trap_queue *free_slot = NULL;
	for (size_t i = 0; i < DP_TRAP_CONNS; i++) {
		if (dp->traps[i].conn == conn)
			return &dp->traps[i];
		if (!dp->traps[i].conn && !free_slot)
			free_slot = &dp->traps[i];
	}
	if (create && free_slot)
		free_slot->conn = conn;
	return create ? free_slot : NULL;
}

bool dp_trap_packet(struct datapath *dp, struct dp_realm *realm,
		    const uint8_t *pkt, size_t len, int family,
		    const uint8_t *dst)
{
	size_t index;
	struct cfg_conn *conn = trapped_conn(dp, realm, family, dst, &index);
	if (!conn)
		return false;
	ike_engine_trigger(dp->eng, conn, index);

	struct dp_trap_queue *q = queue_of(dp, conn, true);
	uint8_t *copy = q && q->n < DP_TRAP_QUEUE ? malloc(len) : NULL;
	if (!copy) {
		dp->drops[DP_DROP_TRAP_QUEUE]++;
		log_limited(LOG_DEBUG, "esp", "%s: on-traffic queue full, "
			    "packet dropped", conn->name);
		return true;
	}
	memcpy(copy, pkt, len);
	q->pkt[q->n] = copy;
	q->len[q->n] = len;
	q->n++;
	return true;
}

static void release(struct dp_trap_queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->pkt[i]);
	memset(q, 0, sizeof(*q));
}

void dp_trap_flush(struct datapath *dp, const struct cfg_conn *conn)
{
	struct dp_trap_queue *q = queue_of(dp, conn, false);
	if (!q)
		return;
	struct dp_realm *realm = NULL;
	for (size_t i = 0; i < dp->n_realms; i++)
		if (dp->realms[i].cfg == conn->realm)
			realm = &dp->realms[i];

	/* Take the queue first: dp_tun_input may queue again. */
	struct dp_trap_queue taken = *q;
	memset(q, 0, sizeof(*q));
	for (size_t i = 0; realm && i < taken.n; i++)
		dp_tun_input(dp, realm, taken.pkt[i], taken.len[i]);
	release(&taken);
}

void dp_trap_clear(struct datapath *dp)
{
	for (size_t i = 0; i < DP_TRAP_CONNS; i++)
		release(&dp->traps[i]);
}
