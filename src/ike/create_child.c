// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CREATE_CHILD_SA (RFC 7296 1.3, 2.8): creating a further CHILD_SA of the
 * connection, rekeying a CHILD_SA, with or without PFS, and rekeying the
 * IKE SA.  Our side's state lives in sa->pending while the request is
 * outstanding.
 */
#include "ike/exchanges.h"

#include <errno.h>
#include <string.h>

#include "ike/child.h"
#include "ike/engine_internal.h"
#include "ike/keys.h"
#include "ike/proposal.h"
#include "ike/rekey.h"
#include "util/secure.h"

static int add_ke_value(struct ike_builder *b, struct crypto_dh *dh,
			uint16_t group)
{
	uint8_t pub[CRYPTO_MAX_DH_PUBLIC];
	size_t len = sizeof(pub);
	if (crypto_default()->dh_public(dh, pub, &len) < 0)
		return -EINVAL;
	return ike_add_ke(b, group, pub, len) ? 0 : -ENOSPC;
}

static uint16_t pfs_group(const struct cfg_child *c)
{
	if (c->n_esp_proposals == 0 || c->esp_proposals[0].n_dh == 0)
		return DH_NONE;
	return c->esp_proposals[0].dh[0];
}

/* Starts our key pair and nonce for the pending exchange. */
static int prepare_pending(struct ike_pending *pd, uint16_t group)
{
	pd->nonce_len = IKE_NONCE_LEN;
	int err = random_bytes(pd->nonce, pd->nonce_len);
	if (err == 0 && group != DH_NONE && !pd->dh)
		err = crypto_default()->dh_new(group, &pd->dh);
	return err;
}

/* Adds SA, Nonce and KE of a new CHILD_SA of the pending task's child. */
static enum handler_status add_child_offer(struct ike_ctx *ctx)
{
	struct ike_pending *pd = &ctx->sa->pending;
	const struct cfg_child *c = &ctx->sa->conn->children[pd->cfg_index];
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	uint8_t spi[4];
	uint16_t group = pd->dh ? pd->dh_group : pfs_group(c);

	if (!pd->spi)
		pd->spi = child_random_spi();
	pd->dh_group = group;
	if (prepare_pending(pd, group) < 0)
		return H_ERROR;
	put_be32(spi, pd->spi);
	size_t n = proposals_to_wire(c->esp_proposals, c->n_esp_proposals,
				     PROTO_ESP, spi, 4, true, props);
	if (!ike_add_sa(ctx->out, props, n) ||
	    !ike_add_nonce(ctx->out, pd->nonce, pd->nonce_len))
		return H_ERROR;
	if (pd->dh && add_ke_value(ctx->out, pd->dh, group) < 0)
		return H_ERROR;
	return H_CONTINUE;
}

static enum handler_status child_rekey_out(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_pending *pd = &sa->pending;
	struct child_sa *old = pd->child;
	uint8_t old_spi[4];

	if (!old)
		return H_ERROR;
	put_be32(old_spi, old->spi_in);
	if (!ike_add_notify(ctx->out, PROTO_ESP, old_spi, 4, N_REKEY_SA, NULL,
			    0) ||
	    add_child_offer(ctx) != H_CONTINUE)
		return H_ERROR;
	if (!ike_add_ts(ctx->out, PL_TSI, old->local_ts, old->n_local_ts) ||
	    !ike_add_ts(ctx->out, PL_TSR, old->remote_ts, old->n_remote_ts))
		return H_ERROR;
	ike_log(sa, LOG_INFO, "rekeying CHILD_SA %s %08x_i%s",
		child_cfg(old)->name, old->spi_in, pd->dh ? " with PFS" : "");
	return H_CONTINUE;
}

static enum handler_status child_create_out(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	const struct cfg_child *c = &sa->conn->children[sa->pending.cfg_index];

	if (add_child_offer(ctx) != H_CONTINUE ||
	    !ike_add_ts(ctx->out, PL_TSI, c->local_ts, c->n_local_ts) ||
	    !ike_add_ts(ctx->out, PL_TSR, c->remote_ts, c->n_remote_ts))
		return H_ERROR;
	ike_log(sa, LOG_INFO, "creating CHILD_SA %s%s", c->name,
		sa->pending.dh ? " with PFS" : "");
	return H_CONTINUE;
}

static enum handler_status ike_rekey_out(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_pending *pd = &sa->pending;
	const struct cfg_conn *c = sa->conn;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	uint8_t spi[8];
	uint16_t group = pd->dh ? pd->dh_group : sa->alg.dh;

	if (!pd->ike_spi)
		pd->ike_spi = ike_random_spi();
	pd->dh_group = group;
	if (prepare_pending(pd, group) < 0)
		return H_ERROR;
	put_be64(spi, pd->ike_spi);
	size_t n = proposals_to_wire(c->ike_proposals, c->n_ike_proposals,
				     PROTO_IKE, spi, 8, true, props);
	if (!ike_add_sa(ctx->out, props, n) ||
	    !ike_add_nonce(ctx->out, pd->nonce, pd->nonce_len) ||
	    add_ke_value(ctx->out, pd->dh, group) < 0)
		return H_ERROR;
	ike_log(sa, LOG_INFO, "rekeying the IKE SA");
	return H_CONTINUE;
}

static enum handler_status request_out(struct ike_ctx *ctx)
{
	switch (ctx->sa->pending.task) {
	case TASK_CHILD_REKEY:
		return child_rekey_out(ctx);
	case TASK_CHILD_CREATE:
		return child_create_out(ctx);
	case TASK_IKE_REKEY:
		return ike_rekey_out(ctx);
	default:
		return H_ERROR;
	}
}

/* Adds an error notify to the response; the IKE SA stays up. */
static enum handler_status refuse(struct ike_ctx *ctx, uint16_t notify,
				  uint16_t group)
{
	uint8_t data[2];
	put_be16(data, group);
	ike_log(ctx->sa, LOG_WARN, "refusing CREATE_CHILD_SA: %s",
		ike_notify_name(notify));
	ike_chain_init(ctx->out, ctx->out->w.data, ctx->out->w.cap);
	ike_add_notify(ctx->out, 0, NULL, 0, notify, data, group ? 2 : 0);
	return H_DONE;
}

/* The parsed payloads of a CREATE_CHILD_SA message. */
struct ccsa {
	struct ike_sa_payload sa;
	const struct ike_payload *nonce;
	struct ike_ke ke;
	bool has_ke;
	struct ike_ts_payload tsi, tsr;
	bool has_ts;
};

static int parse_ccsa(const struct ike_message *m, struct ccsa *x)
{
	const struct ike_payload *sp = ike_find(m, PL_SA);
	const struct ike_payload *kp = ike_find(m, PL_KE);
	const struct ike_payload *ip = ike_find(m, PL_TSI);
	const struct ike_payload *rp = ike_find(m, PL_TSR);

	memset(x, 0, sizeof(*x));
	x->nonce = ike_find(m, PL_NONCE);
	if (!sp || !x->nonce || ike_parse_sa(sp->body, sp->len, &x->sa) < 0 ||
	    ike_parse_nonce(x->nonce->body, x->nonce->len) < 0 ||
	    x->sa.n_proposals == 0)
		return -EBADMSG;
	if (kp) {
		if (ike_parse_ke(kp->body, kp->len, &x->ke) < 0)
			return -EBADMSG;
		x->has_ke = true;
	}
	if (ip && rp) {
		if (ike_parse_ts(ip->body, ip->len, &x->tsi) < 0 ||
		    ike_parse_ts(rp->body, rp->len, &x->tsr) < 0)
			return -EBADMSG;
		x->has_ts = true;
	}
	return 0;
}

/* Computes the shared secret with a fresh key pair of the given group. */
static int respond_ke(const struct ike_ke *ke, uint16_t group,
		      struct crypto_dh **dh, uint8_t *shared,
		      size_t *shared_len)
{
	const struct crypto_provider *p = crypto_default();
	int err = p->dh_new(group, dh);
	if (err == 0)
		err = p->dh_shared(*dh, ke->data, ke->len, shared, shared_len);
	return err;
}

static struct child_sa *find_by_out_spi(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

static struct child_sa *rekeyed_child(struct ike_ctx *ctx)
{
	struct ike_notify n;
	if (!ike_find_notify(ctx->in, N_REKEY_SA, &n) || n.spi_len != 4)
		return NULL;
	return find_by_out_spi(ctx->sa, get_be32(n.spi));
}

static bool add_child_response(struct ike_ctx *ctx, struct child_sa *child,
			       struct ike_proposal *chosen,
			       const uint8_t *nonce, struct crypto_dh *dh)
{
	put_be32(chosen->spi, child->spi_in);
	return ike_add_sa(ctx->out, chosen, 1) &&
	       ike_add_nonce(ctx->out, nonce, IKE_NONCE_LEN) &&
	       (!dh || add_ke_value(ctx->out, dh, child->alg.dh) == 0) &&
	       ike_add_ts(ctx->out, PL_TSI, child->remote_ts,
			  child->n_remote_ts) &&
	       ike_add_ts(ctx->out, PL_TSR, child->local_ts,
			  child->n_local_ts);
}

/* Notes the peer's rekey of old, which child replaces. */
static void note_replacement(struct ike_sa *sa, struct child_sa *old,
			     struct child_sa *child, const struct ccsa *x,
			     const uint8_t *nonce, size_t nonce_len)
{
	rekey_note_peer_rekey(sa, old, x->nonce->body, x->nonce->len, nonce,
			      nonce_len);
	child->replaces_spi = old->spi_in;
	child->out_ready = false;
	/* The peer's rekey replaces old: its lifetimes must not start a
	 * second rekey of it here before the peer deletes it. */
	old->rekeying = true;
}

/* CHILD_SAs of sa that carry traffic, not counting replaced ones. */
static unsigned current_children(const struct ike_sa *sa)
{
	unsigned n = 0;
	for (const struct child_sa *c = sa->children; c; c = c->next)
		n += !c->replaced;
	return n;
}

static enum handler_status child_in(struct ike_ctx *ctx, struct ccsa *x)
{
	struct ike_sa *sa = ctx->sa;
	struct child_sa *old = rekeyed_child(ctx);
	struct ike_proposal chosen;
	uint8_t nonce[IKE_NONCE_LEN], shared[CRYPTO_MAX_DH_SHARED];
	size_t shared_len = sizeof(shared);
	struct crypto_dh *dh = NULL;

	if (!old && ike_find_notify(ctx->in, N_REKEY_SA, &(struct ike_notify){ 0 }))
		return refuse(ctx, N_CHILD_SA_NOT_FOUND, 0);
	if (!x->has_ts)
		return refuse(ctx, N_INVALID_SYNTAX, 0);
	if (!old && current_children(sa) >= IKE_MAX_CHILD_SAS) {
		ike_log(sa, LOG_WARN, "rejecting a new CHILD_SA: the IKE SA "
			"has %u already", IKE_MAX_CHILD_SAS);
		return refuse(ctx, N_NO_ADDITIONAL_SAS, 0);
	}

	struct child_sa *child = child_sa_new(sa);
	if (!child)
		return H_ERROR;
	/* A rekey keeps the child of the SA it replaces. */
	uint32_t mask = old ? 1u << old->cfg_index : UINT32_MAX;
	struct child_request rq = { .sa = &x->sa, .tsi = &x->tsi,
				    .tsr = &x->tsr, .allow_dh = true,
				    .ke_group = x->has_ke ? x->ke.group : 0 };
	uint16_t refusal = child_match(sa->conn, mask, &rq, child, &chosen);
	uint16_t group = child->alg.dh;
	if (!refusal && group != DH_NONE &&
	    (!x->has_ke || x->ke.group != group))
		refusal = N_INVALID_KE_PAYLOAD;
	if (refusal) {
		child_sa_free(child);
		return refuse(ctx, refusal,
			      refusal == N_INVALID_KE_PAYLOAD ? group : 0);
	}
	child->spi_out = get_be32(chosen.spi);
	child->spi_in = child_random_spi();
	if (group != DH_NONE &&
	    respond_ke(&x->ke, group, &dh, shared, &shared_len) < 0) {
		child_sa_free(child);
		if (dh)
			crypto_default()->dh_free(dh);
		return refuse(ctx, N_INVALID_SYNTAX, 0);
	}
	random_bytes(nonce, sizeof(nonce));
	if (old)
		note_replacement(sa, old, child, x, nonce, sizeof(nonce));

	struct child_keying k = {
		.shared = dh ? shared : NULL, .shared_len = dh ? shared_len : 0,
		.ni = x->nonce->body, .ni_len = x->nonce->len,
		.nr = nonce, .nr_len = sizeof(nonce), .initiator = false,
	};
	enum handler_status st = H_CONTINUE;
	if (child_install(ctx->eng, sa, child, &k) < 0 ||
	    !add_child_response(ctx, child, &chosen, nonce, dh))
		st = H_ERROR;
	if (dh)
		crypto_default()->dh_free(dh);
	secure_zero(shared, sizeof(shared));
	return st;
}

/* Builds the IKE SA that replaces sa, keyed from the rekey exchange. */
static struct ike_sa *new_ike_sa(struct ike_sa *old, bool initiator,
				 const struct negotiated *alg,
				 const uint8_t *ni, size_t ni_len,
				 const uint8_t *nr, size_t nr_len)
{
	struct ike_sa *sa = ike_sa_new(old->conn, initiator);
	if (!sa)
		return NULL;
	sa->alg = *alg;
	sa->local = old->local;
	sa->remote = old->remote;
	sa->natt = old->natt;
	sa->nat_local = old->nat_local;
	sa->nat_remote = old->nat_remote;
	memcpy(sa->ni, ni, ni_len);
	sa->ni_len = ni_len;
	memcpy(sa->nr, nr, nr_len);
	sa->nr_len = nr_len;
	return sa;
}

static enum handler_status ike_in(struct ike_ctx *ctx, struct ccsa *x)
{
	struct ike_sa *old = ctx->sa;
	const struct cfg_conn *c = old->conn;
	struct ike_proposal chosen;
	struct negotiated alg;
	uint8_t nonce[IKE_NONCE_LEN], shared[CRYPTO_MAX_DH_SHARED];
	size_t shared_len = sizeof(shared);
	struct crypto_dh *dh = NULL;

	if (proposal_select(c->ike_proposals, c->n_ike_proposals, &x->sa,
			    PROTO_IKE, true, x->has_ke ? x->ke.group : 0,
			    &chosen, &alg) < 0 || chosen.spi_len != 8)
		return refuse(ctx, N_NO_PROPOSAL_CHOSEN, 0);
	if (!x->has_ke || x->ke.group != alg.dh)
		return refuse(ctx, N_INVALID_KE_PAYLOAD, alg.dh);
	if (respond_ke(&x->ke, alg.dh, &dh, shared, &shared_len) < 0) {
		if (dh)
			crypto_default()->dh_free(dh);
		return refuse(ctx, N_INVALID_SYNTAX, 0);
	}
	random_bytes(nonce, sizeof(nonce));

	enum handler_status st = H_ERROR;
	struct ike_sa *sa = new_ike_sa(old, false, &alg, x->nonce->body,
				       x->nonce->len, nonce, sizeof(nonce));
	if (!sa)
		goto out;
	sa->spi_i = get_be64(chosen.spi);
	sa->spi_r = ike_random_spi();
	put_be64(chosen.spi, sa->spi_r);
	if (ike_derive_rekey_keys(sa, old, shared, shared_len) < 0 ||
	    !ike_add_sa(ctx->out, &chosen, 1) ||
	    !ike_add_nonce(ctx->out, nonce, sizeof(nonce)) ||
	    add_ke_value(ctx->out, dh, alg.dh) < 0) {
		ike_sa_free(sa);
		goto out;
	}
	rekey_note_peer_ike_rekey(old, sa, x->nonce->body, x->nonce->len,
				  nonce, sizeof(nonce));
	rekey_ike_switch(ctx->eng, old, sa);
	st = H_CONTINUE;
out:
	if (dh)
		crypto_default()->dh_free(dh);
	secure_zero(shared, sizeof(shared));
	return st;
}

static enum handler_status request_in(struct ike_ctx *ctx)
{
	struct ccsa x;
	if (ctx->sa->state != IKE_STATE_ESTABLISHED)
		return refuse(ctx, N_TEMPORARY_FAILURE, 0);
	if (parse_ccsa(ctx->in, &x) < 0)
		return refuse(ctx, N_INVALID_SYNTAX, 0);
	if (x.sa.proposals[0].protocol == PROTO_IKE)
		return ike_in(ctx, &x);
	return child_in(ctx, &x);
}

static bool offered_group(const struct cfg_proposal *p, size_t n,
			  uint16_t group)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < p[i].n_dh; j++)
			if (p[i].dh[j] == group)
				return true;
	return false;
}

/* INVALID_KE_PAYLOAD: redo the exchange with the group the peer names. */
static enum handler_status retry_group(struct ike_ctx *ctx,
				       const struct ike_notify *n)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_pending *pd = &sa->pending;
	const struct cfg_conn *c = sa->conn;
	uint16_t group = n->len == 2 ? get_be16(n->data) : 0;
	const struct cfg_child *child = &c->children[pd->cfg_index];
	bool ike = pd->task == TASK_IKE_REKEY;
	bool ok = ike ? offered_group(c->ike_proposals, c->n_ike_proposals,
				      group)
		      : offered_group(child->esp_proposals,
				      child->n_esp_proposals, group);
	if (!ok || group == pd->dh_group)
		return H_CONTINUE;

	const struct crypto_provider *p = crypto_default();
	if (pd->dh)
		p->dh_free(pd->dh);
	pd->dh = NULL;
	if (p->dh_new(group, &pd->dh) < 0)
		return H_CONTINUE;
	pd->dh_group = group;
	ike_log(sa, LOG_INFO, "peer sent INVALID_KE_PAYLOAD, retrying the "
		"exchange with group %u", group);
	return ike_send_request(ctx->eng, sa, CREATE_CHILD_SA) == 0 ? H_DONE
								   : H_CONTINUE;
}

/* The peer rejected the exchange: a rekey is tried again later, before the
 * hard lifetime. */
static void rekey_rejected(struct ike_ctx *ctx, uint16_t notify)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_pending *pd = &sa->pending;
	uint64_t later = ctx->eng->now_ms + 10000;
	ike_log(sa, LOG_WARN, "peer rejected CREATE_CHILD_SA with %s",
		ike_notify_name(notify) ? ike_notify_name(notify) : "an error");
	if (pd->task == TASK_CHILD_REKEY && pd->child)
		pd->child->rekey_ms = later;
	else if (pd->task == TASK_IKE_REKEY)
		sa->rekey_ms = later;
	else if (pd->task == TASK_CHILD_CREATE)
		/* NOTE: the child stays down until the connection is started
		 * again; the other CHILD_SAs are not affected. */
		ike_log(sa, LOG_WARN, "CHILD_SA %s not created",
			sa->conn->children[pd->cfg_index].name);
	ike_pending_clear(sa);
}

static int child_shared(struct ike_pending *pd, const struct ccsa *x,
			const struct negotiated *alg, uint8_t *shared,
			size_t *shared_len)
{
	if (alg->dh == DH_NONE)
		return pd->dh ? -EPROTO : 0;
	if (!pd->dh || alg->dh != pd->dh_group || !x->has_ke ||
	    x->ke.group != alg->dh)
		return -EPROTO;
	return crypto_default()->dh_shared(pd->dh, x->ke.data, x->ke.len,
					   shared, shared_len);
}

/*
 * Checks the response for our new CHILD_SA and keys it.  Returns the
 * installed SA, or NULL after logging why and ending the task.
 */
static struct child_sa *child_from_response(struct ike_ctx *ctx,
					    const struct ccsa *x,
					    uint8_t *ni, size_t *ni_len)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_pending *pd = &sa->pending;
	const struct cfg_child *c = &sa->conn->children[pd->cfg_index];
	struct ike_proposal chosen;
	uint8_t shared[CRYPTO_MAX_DH_SHARED];
	size_t shared_len = sizeof(shared);
	struct child_sa *child = child_sa_new(sa);

	if (!child)
		return NULL;
	if (!x->has_ts ||
	    proposal_accept(c->esp_proposals, c->n_esp_proposals, &x->sa,
			    PROTO_ESP, true, &child->alg, &chosen) < 0 ||
	    chosen.spi_len != 4 ||
	    child_accept_ts(c, &x->tsi, &x->tsr, child) < 0 ||
	    child_shared(pd, x, &child->alg, shared, &shared_len) < 0) {
		ike_log(sa, LOG_WARN, "invalid CREATE_CHILD_SA response");
		child_sa_free(child);
		rekey_rejected(ctx, 0);
		return NULL;
	}
	child->spi_in = pd->spi;
	child->spi_out = get_be32(chosen.spi);
	child->cfg_index = pd->cfg_index;

	*ni_len = pd->nonce_len;
	memcpy(ni, pd->nonce, *ni_len);
	struct child_keying k = {
		.shared = pd->dh ? shared : NULL,
		.shared_len = pd->dh ? shared_len : 0,
		.ni = ni, .ni_len = *ni_len,
		.nr = x->nonce->body, .nr_len = x->nonce->len,
		.initiator = true,
	};
	ike_pending_clear(sa);
	int err = child_install(ctx->eng, sa, child, &k);
	secure_zero(shared, sizeof(shared));
	return err < 0 ? NULL : child;
}

static enum handler_status child_rekey_response(struct ike_ctx *ctx,
						const struct ccsa *x)
{
	struct ike_sa *sa = ctx->sa;
	struct child_sa *old = sa->pending.child;
	uint32_t old_spi = sa->pending.child_spi;
	uint8_t ni[IKE_NONCE_LEN];
	size_t ni_len;

	struct child_sa *child = child_from_response(ctx, x, ni, &ni_len);
	if (child)
		rekey_child_done(ctx->eng, sa, old_spi, old, child, ni, ni_len,
				 x->nonce->body, x->nonce->len);
	return H_CONTINUE;
}

static enum handler_status ike_rekey_response(struct ike_ctx *ctx,
					      const struct ccsa *x)
{
	struct ike_sa *old = ctx->sa;
	struct ike_pending *pd = &old->pending;
	const struct cfg_conn *c = old->conn;
	struct ike_proposal chosen;
	struct negotiated alg;
	uint8_t shared[CRYPTO_MAX_DH_SHARED];
	size_t shared_len = sizeof(shared);

	if (proposal_accept(c->ike_proposals, c->n_ike_proposals, &x->sa,
			    PROTO_IKE, true, &alg, &chosen) < 0 ||
	    chosen.spi_len != 8 || !x->has_ke || x->ke.group != pd->dh_group ||
	    alg.dh != pd->dh_group ||
	    crypto_default()->dh_shared(pd->dh, x->ke.data, x->ke.len, shared,
					&shared_len) < 0) {
		ike_log(old, LOG_WARN, "invalid IKE SA rekey response");
		rekey_rejected(ctx, 0);
		return H_CONTINUE;
	}
	struct ike_sa *sa = new_ike_sa(old, true, &alg, pd->nonce,
				       pd->nonce_len, x->nonce->body,
				       x->nonce->len);
	if (!sa) {
		secure_zero(shared, sizeof(shared));
		return H_CONTINUE;
	}
	sa->spi_i = pd->ike_spi;
	sa->spi_r = get_be64(chosen.spi);
	int err = ike_derive_rekey_keys(sa, old, shared, shared_len);
	secure_zero(shared, sizeof(shared));
	ike_pending_clear(old);
	if (err < 0) {
		ike_sa_free(sa);
		return H_CONTINUE;
	}
	uint8_t ni[IKE_NONCE_LEN];
	memcpy(ni, sa->ni, sa->ni_len);
	rekey_ike_done(ctx->eng, old, sa, ni, sa->ni_len, x->nonce->body,
		       x->nonce->len);
	return H_CONTINUE;
}

enum handler_status rekey_response_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_notify n;
	struct ccsa x;
	uint16_t err = ike_first_error(ctx->in, &n);

	if (err == N_INVALID_KE_PAYLOAD &&
	    retry_group(ctx, &n) == H_DONE)
		return H_DONE;
	if (err) {
		rekey_rejected(ctx, err);
		return H_CONTINUE;
	}
	if (parse_ccsa(ctx->in, &x) < 0) {
		rekey_rejected(ctx, N_INVALID_SYNTAX);
		return H_CONTINUE;
	}
	if (sa->pending.task == TASK_IKE_REKEY)
		return ike_rekey_response(ctx, &x);
	if (sa->pending.task == TASK_CHILD_REKEY)
		return child_rekey_response(ctx, &x);
	if (sa->pending.task == TASK_CHILD_CREATE) {
		uint8_t ni[IKE_NONCE_LEN];
		size_t ni_len;
		child_from_response(ctx, &x, ni, &ni_len);
	}
	return H_CONTINUE;
}

static const struct ike_handler create_child_handlers[] = {
	{ "create_child_request", CREATE_CHILD_SA, DIR_REQUEST_OUT, 10,
	  request_out },
	{ "create_child_respond", CREATE_CHILD_SA, DIR_REQUEST_IN, 10,
	  request_in },
	{ "create_child_response", CREATE_CHILD_SA, DIR_RESPONSE_IN, 10,
	  rekey_response_in },
};

void create_child_register(void)
{
	for (size_t i = 0; i < sizeof(create_child_handlers) /
				       sizeof(create_child_handlers[0]);
	     i++)
		ike_handler_register(&create_child_handlers[i]);
}
