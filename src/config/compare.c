// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Field-by-field comparison of configured connections and realms, which a
 * reload uses to decide which running SAs can stay.  Every field is
 * compared by value, so padding bytes never make two equal settings differ.
 */
#include <netinet/in.h>
#include <string.h>

#include "config/config.h"

static bool addr_equal(const struct sockaddr_storage *a,
                       const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
		return x->sin6_port == y->sin6_port &&
		       x->sin6_scope_id == y->sin6_scope_id &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return memcmp(a, b, sizeof(*a)) == 0;
}

static bool identity_same(const struct cfg_identity *a,
                          const struct cfg_identity *b)
{
	return a->type == b->type && a->len == b->len &&
	       memcmp(a->data, b->data, a->len) == 0 &&
	       strcmp(a->text, b->text) == 0;
}

static bool u16_list_equal(const uint16_t *a, size_t na, const uint16_t *b,
                           size_t nb)
{
	return na == nb && memcmp(a, b, na * sizeof(*a)) == 0;
}

static bool proposal_equal(const struct cfg_proposal *a,
                           const struct cfg_proposal *b)
{
	if (a->n_encr != b->n_encr)
		return false;
	for (size_t i = 0; i < a->n_encr; i++)
		if (a->encr[i].id != b->encr[i].id ||
		    a->encr[i].key_bits != b->encr[i].key_bits)
			return false;
	return u16_list_equal(a->integ, a->n_integ, b->integ, b->n_integ) &&
	       u16_list_equal(a->prf, a->n_prf, b->prf, b->n_prf) &&
	       u16_list_equal(a->dh, a->n_dh, b->dh, b->n_dh) &&
	       u16_list_equal(a->esn, a->n_esn, b->esn, b->n_esn);
}

static bool proposals_equal(const struct cfg_proposal *a, size_t na,
                            const struct cfg_proposal *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!proposal_equal(&a[i], &b[i]))
			return false;
	return true;
}

static bool ts_equal(const struct traffic_selector *a,
                     const struct traffic_selector *b)
{
	size_t len = ts_addr_len(a->type);
	return a->type == b->type && a->ip_proto == b->ip_proto &&
	       a->start_port == b->start_port && a->end_port == b->end_port &&
	       memcmp(a->start, b->start, len) == 0 &&
	       memcmp(a->end, b->end, len) == 0;
}

static bool ts_list_equal(const struct traffic_selector *a, size_t na,
                          const struct traffic_selector *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!ts_equal(&a[i], &b[i]))
			return false;
	return true;
}

static bool inner_equal(const struct cfg_inner_addr *a,
                        const struct cfg_inner_addr *b)
{
	size_t len = a->family == AF_INET6 ? 16 : 4;
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->addr, b->addr, len) == 0;
}

bool config_realm_equal(const struct cfg_realm *a, const struct cfg_realm *b)
{
	if (strcmp(a->name, b->name) != 0 ||
	    strcmp(a->tun_name, b->tun_name) != 0 || a->mtu != b->mtu ||
	    a->path_mtu != b->path_mtu || a->n_inner != b->n_inner)
		return false;
	for (size_t i = 0; i < a->n_inner; i++)
		if (!inner_equal(&a->inner[i], &b->inner[i]))
			return false;
	return true;
}

static bool child_equal(const struct cfg_child *a, const struct cfg_child *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       a->start_action == b->start_action &&
	       proposals_equal(a->esp_proposals, a->n_esp_proposals,
	                       b->esp_proposals, b->n_esp_proposals) &&
	       ts_list_equal(a->local_ts, a->n_local_ts, b->local_ts,
	                     b->n_local_ts) &&
	       ts_list_equal(a->remote_ts, a->n_remote_ts, b->remote_ts,
	                     b->n_remote_ts);
}

/* Running CHILD_SAs refer to their child by index, so order matters. */
static bool children_equal(const struct cfg_conn *a, const struct cfg_conn *b)
{
	if (a->n_children != b->n_children)
		return false;
	for (size_t i = 0; i < a->n_children; i++)
		if (!child_equal(&a->children[i], &b->children[i]))
			return false;
	return true;
}

/* The gateway, identity and proposal settings, which IKE negotiates. */
static bool negotiation_equal(const struct cfg_conn *a,
                              const struct cfg_conn *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       addr_equal(&a->local_addr, &b->local_addr) &&
	       addr_equal(&a->remote_addr, &b->remote_addr) &&
	       identity_same(&a->local_id, &b->local_id) &&
	       identity_same(&a->remote_id, &b->remote_id) &&
	       a->auth == b->auth &&
	       proposals_equal(a->ike_proposals, a->n_ike_proposals,
	                       b->ike_proposals, b->n_ike_proposals) &&
	       proposals_equal(a->esp_proposals, a->n_esp_proposals,
	                       b->esp_proposals, b->n_esp_proposals) &&
	       ts_list_equal(a->local_ts, a->n_local_ts, b->local_ts,
	                     b->n_local_ts) &&
	       ts_list_equal(a->remote_ts, a->n_remote_ts, b->remote_ts,
	                     b->n_remote_ts);
}

/* Start, retransmission, liveness, lifetime and logging settings. */
static bool behaviour_equal(const struct cfg_conn *a, const struct cfg_conn *b)
{
	return a->start_action == b->start_action &&
	       a->force_encap == b->force_encap &&
	       a->retransmit_timeout_ms == b->retransmit_timeout_ms &&
	       a->retransmit_tries == b->retransmit_tries &&
	       a->retransmit_giveup_ms == b->retransmit_giveup_ms &&
	       a->keepalive_interval_s == b->keepalive_interval_s &&
	       a->dpd_delay_ms == b->dpd_delay_ms &&
	       a->dpd_action == b->dpd_action &&
	       a->close_action == b->close_action &&
	       a->ike_rekey_ms == b->ike_rekey_ms &&
	       a->ike_life_ms == b->ike_life_ms &&
	       a->child_rekey_ms == b->child_rekey_ms &&
	       a->child_life_ms == b->child_life_ms &&
	       a->rand_ms == b->rand_ms &&
	       a->child_rekey_bytes == b->child_rekey_bytes &&
	       a->child_life_bytes == b->child_life_bytes &&
	       a->child_rekey_packets == b->child_rekey_packets &&
	       a->child_life_packets == b->child_life_packets &&
	       a->log_level == b->log_level;
}

bool config_conn_equal(const struct cfg_conn *a, const struct cfg_conn *b)
{
	if (!a->realm != !b->realm)
		return false;
	if (a->realm && !config_realm_equal(a->realm, b->realm))
		return false;
	return negotiation_equal(a, b) && behaviour_equal(a, b) &&
	       children_equal(a, b);
}
