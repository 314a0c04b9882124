// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/child.h"

#include <string.h>

#include "ike/engine.h"
#include "ike/keys.h"
#include "ike/proposal.h"
#include "util/secure.h"

size_t ts_narrow(const struct traffic_selector *theirs, size_t n_theirs,
		 const struct traffic_selector *ours, size_t n_ours,
		 struct traffic_selector *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < n_theirs; i++)
		for (size_t j = 0; j < n_ours && n < cap; j++)
			if (ts_intersect(&theirs[i], &ours[j], &out[n]))
				n++;
	return n;
}

bool ts_all_within(const struct traffic_selector *sub, size_t n_sub,
		   const struct traffic_selector *outer, size_t n_outer)
{
	for (size_t i = 0; i < n_sub; i++) {
		bool inside = false;
		for (size_t j = 0; j < n_outer && !inside; j++) {
			struct traffic_selector x;
			inside = ts_intersect(&sub[i], &outer[j], &x) &&
				 memcmp(&x, &sub[i], sizeof(x)) == 0;
		}
		if (!inside)
			return false;
	}
	return n_sub > 0;
}

int child_narrow_ts(const struct cfg_child *c, const struct ike_ts_payload *tsi,
		    const struct ike_ts_payload *tsr, struct child_sa *child)
{
	/* TSi describes the initiator's side: our remote selectors. */
	child->n_remote_ts = ts_narrow(tsi->ts, tsi->n, c->remote_ts,
				       c->n_remote_ts, child->remote_ts,
				       IKE_MAX_TS);
	child->n_local_ts = ts_narrow(tsr->ts, tsr->n, c->local_ts,
				      c->n_local_ts, child->local_ts,
				      IKE_MAX_TS);
	return child->n_remote_ts && child->n_local_ts ? 0 : -1;
}

int child_accept_ts(const struct cfg_child *c, const struct ike_ts_payload *tsi,
		    const struct ike_ts_payload *tsr, struct child_sa *child)
{
	if (!ts_all_within(tsi->ts, tsi->n, c->local_ts, c->n_local_ts) ||
	    !ts_all_within(tsr->ts, tsr->n, c->remote_ts, c->n_remote_ts))
		return -1;
	memcpy(child->local_ts, tsi->ts, tsi->n * sizeof(tsi->ts[0]));
	child->n_local_ts = tsi->n;
	memcpy(child->remote_ts, tsr->ts, tsr->n * sizeof(tsr->ts[0]));
	child->n_remote_ts = tsr->n;
	return 0;
}

/* Whether the request's selectors lie inside the child's, unnarrowed. */
static bool fits_whole(const struct cfg_child *c,
		       const struct ike_ts_payload *tsi,
		       const struct ike_ts_payload *tsr)
{
	return ts_all_within(tsi->ts, tsi->n, c->remote_ts, c->n_remote_ts) &&
	       ts_all_within(tsr->ts, tsr->n, c->local_ts, c->n_local_ts);
}

uint16_t child_match(const struct cfg_conn *conn, uint32_t mask,
		     const struct child_request *rq, struct child_sa *child,
		     struct ike_proposal *chosen)
{
	bool ts_met = false;

	/* First the children that take the request as it is, then those
	 * that narrow it, each in the order of the configuration. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < conn->n_children; i++) {
			const struct cfg_child *c = &conn->children[i];
			if (!(mask & (1u << i)) ||
			    fits_whole(c, rq->tsi, rq->tsr) != (pass == 0) ||
			    child_narrow_ts(c, rq->tsi, rq->tsr, child) < 0)
				continue;
			ts_met = true;
			if (proposal_select(c->esp_proposals,
					    c->n_esp_proposals, rq->sa,
					    PROTO_ESP, rq->allow_dh,
					    rq->ke_group, chosen,
					    &child->alg) < 0 ||
			    chosen->spi_len != 4)
				continue;
			child->cfg_index = (uint8_t)i;
			return 0;
		}
	}
	return ts_met ? N_NO_PROPOSAL_CHOSEN : N_TS_UNACCEPTABLE;
}

uint32_t child_random_spi(void)
{
	uint32_t spi = 0;
	while (spi < 256)
		random_bytes(&spi, sizeof(spi));
	return spi;
}

/* Takes the lowest child index from the SA's list still to set up. */
static uint8_t next_todo(struct ike_sa *sa)
{
	uint8_t i = 0;
	while (i < sa->conn->n_children && !(sa->children_todo & (1u << i)))
		i++;
	if (i == sa->conn->n_children)
		i = 0;
	sa->children_todo &= ~(1u << i);
	return i;
}

int child_add_request(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	uint8_t spi[4];

	sa->pending_child_cfg = next_todo(sa);
	const struct cfg_child *c = &sa->conn->children[sa->pending_child_cfg];
	sa->pending_child_spi = child_random_spi();
	put_be32(spi, sa->pending_child_spi);
	size_t n = proposals_to_wire(c->esp_proposals, c->n_esp_proposals,
				     PROTO_ESP, spi, 4, false, props);
	if (!ike_add_sa(ctx->out, props, n) ||
	    !ike_add_ts(ctx->out, PL_TSI, c->local_ts, c->n_local_ts) ||
	    !ike_add_ts(ctx->out, PL_TSR, c->remote_ts, c->n_remote_ts))
		return -1;
	return 0;
}

static int parse_child(const struct ike_message *m, struct ike_sa_payload *sap,
		       struct ike_ts_payload *tsi, struct ike_ts_payload *tsr)
{
	const struct ike_payload *sp = ike_find(m, PL_SA);
	const struct ike_payload *ip = ike_find(m, PL_TSI);
	const struct ike_payload *rp = ike_find(m, PL_TSR);
	if (!sp || !ip || !rp || ike_parse_sa(sp->body, sp->len, sap) < 0 ||
	    ike_parse_ts(ip->body, ip->len, tsi) < 0 ||
	    ike_parse_ts(rp->body, rp->len, tsr) < 0)
		return -1;
	return 0;
}

static void log_child_up(const struct child_sa *child)
{
	char alg[96], l[512], r[512];
	negotiated_format(&child->alg, true, alg, sizeof(alg));
	ts_format_list(child->local_ts, child->n_local_ts, l, sizeof(l));
	ts_format_list(child->remote_ts, child->n_remote_ts, r, sizeof(r));
	ike_log(child->ike, LOG_INFO,
		"CHILD_SA established, SPIs %08x_i %08x_o, %s, %s === %s, "
		"child %s",
		child->spi_in, child->spi_out, alg, l, r,
		child_cfg(child)->name);
}

/* Lifetimes of a new CHILD_SA, the soft one shortened by random jitter. */
static void set_lifetimes(struct ike_engine *eng, struct child_sa *child)
{
	const struct cfg_conn *c = child->ike->conn;
	uint32_t jitter = 0;
	if (c->rand_ms) {
		random_bytes(&jitter, sizeof(jitter));
		jitter %= c->rand_ms;
	}
	uint64_t soft = c->child_rekey_ms > jitter ? c->child_rekey_ms - jitter
						   : c->child_rekey_ms;
	child->rekey_ms = c->child_rekey_ms ? eng->now_ms + soft : 0;
	child->expire_ms = c->child_life_ms ? eng->now_ms + c->child_life_ms
					    : 0;
}

int child_install(struct ike_engine *eng, struct ike_sa *sa,
		  struct child_sa *child, const struct child_keying *k)
{
	int err = child_derive_keys(sa, child, k, &eng->esp_stats);
	if (err < 0) {
		child_sa_free(child);
		return err;
	}
	child->next = sa->children;
	sa->children = child;
	child->installed = true;
	set_lifetimes(eng, child);
	if (eng->ops->child_up)
		eng->ops->child_up(eng->io, child);
	log_child_up(child);
	return 0;
}

/* Installs the CHILD_SA negotiated in IKE_AUTH, keyed from its nonces. */
static int install(struct ike_ctx *ctx, struct child_sa *child)
{
	struct ike_sa *sa = ctx->sa;
	struct child_keying k = {
		.ni = sa->ni, .ni_len = sa->ni_len,
		.nr = sa->nr, .nr_len = sa->nr_len,
		.initiator = sa->initiator,
	};
	return child_install(ctx->eng, sa, child, &k);
}

static enum handler_status child_fail(struct ike_ctx *ctx, uint16_t notify)
{
	ike_log(ctx->sa, LOG_WARN, "CHILD_SA not created: %s",
		ike_notify_name(notify));
	/* The IKE SA stays up; the notify goes into the response. */
	ike_add_notify(ctx->out, 0, NULL, 0, notify, NULL, 0);
	return H_CONTINUE;
}

enum handler_status child_request_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_sa_payload sap;
	struct ike_ts_payload tsi, tsr;
	struct ike_proposal chosen;
	struct child_sa *child = child_sa_new(sa);

	if (!child)
		return H_ERROR;
	if (parse_child(ctx->in, &sap, &tsi, &tsr) < 0) {
		child_sa_free(child);
		return child_fail(ctx, N_INVALID_SYNTAX);
	}
	struct child_request rq = { .sa = &sap, .tsi = &tsi, .tsr = &tsr };
	uint16_t refusal = child_match(sa->conn, UINT32_MAX, &rq, child,
				       &chosen);
	if (refusal) {
		child_sa_free(child);
		return child_fail(ctx, refusal);
	}

	child->spi_out = get_be32(chosen.spi);
	child->spi_in = child_random_spi();
	put_be32(chosen.spi, child->spi_in);
	if (!ike_add_sa(ctx->out, &chosen, 1) ||
	    !ike_add_ts(ctx->out, PL_TSI, child->remote_ts,
			child->n_remote_ts) ||
	    !ike_add_ts(ctx->out, PL_TSR, child->local_ts,
			child->n_local_ts)) {
		child_sa_free(child);
		return H_ERROR;
	}
	if (install(ctx, child) < 0)
		return H_ERROR;
	return H_CONTINUE;
}

enum handler_status child_response_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	const struct cfg_child *c = &sa->conn->children[sa->pending_child_cfg];
	struct ike_sa_payload sap;
	struct ike_ts_payload tsi, tsr;
	struct ike_proposal chosen;
	struct ike_notify n;

	uint16_t err = ike_first_error(ctx->in, &n);
	if (err) {
		ike_log(sa, LOG_WARN, "peer did not create CHILD_SA %s: %s",
			c->name,
			ike_notify_name(err) ? ike_notify_name(err) : "error");
		return H_CONTINUE;
	}
	struct child_sa *child = child_sa_new(sa);
	if (!child)
		return H_ERROR;
	if (parse_child(ctx->in, &sap, &tsi, &tsr) < 0 ||
	    proposal_accept(c->esp_proposals, c->n_esp_proposals, &sap,
			    PROTO_ESP, false, &child->alg, &chosen) < 0 ||
	    chosen.spi_len != 4 || child_accept_ts(c, &tsi, &tsr, child) < 0) {
		ike_log(sa, LOG_WARN,
			"peer's CHILD_SA proposal or selectors are not what "
			"crest offered");
		child_sa_free(child);
		return H_CONTINUE;
	}
	child->spi_in = sa->pending_child_spi;
	child->spi_out = get_be32(chosen.spi);
	child->cfg_index = sa->pending_child_cfg;
	if (install(ctx, child) < 0)
		return H_ERROR;
	return H_CONTINUE;
}
