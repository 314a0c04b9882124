// SPDX-License-Identifier: LGPL-2.1-or-later
/* IKE_SA_INIT (RFC 7296 1.2): proposals, key exchange and nonces. */
#include "ike/exchanges.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike/engine_internal.h"
#include "ike/keys.h"
#include "ike/proposal.h"
#include "util/secure.h"

static int new_key_pair(struct ike_sa *sa, uint16_t group)
{
	const struct crypto_provider *p = crypto_default();
	if (sa->dh)
		p->dh_free(sa->dh);
	sa->dh = NULL;
	sa->alg.dh = group;
	return p->dh_new(group, &sa->dh);
}

static bool add_ke(struct ike_builder *b, struct ike_sa *sa)
{
	uint8_t pub[CRYPTO_MAX_DH_PUBLIC];
	size_t len = sizeof(pub);
	if (crypto_default()->dh_public(sa->dh, pub, &len) < 0)
		return false;
	return ike_add_ke(b, sa->alg.dh, pub, len);
}

/* Computes g^ir from the peer's KE payload and derives the IKE SA keys. */
static int complete_key_exchange(struct ike_sa *sa, const struct ike_ke *ke)
{
	uint8_t shared[CRYPTO_MAX_DH_SHARED];
	size_t shared_len = sizeof(shared);
	int err = crypto_default()->dh_shared(sa->dh, ke->data, ke->len, shared,
					      &shared_len);
	if (err < 0) {
		ike_log(sa, LOG_WARN,
			"invalid key exchange value from peer (group %u, "
			"%zu bytes): %s", ke->group, ke->len, strerror(-err));
		return err;
	}
	err = ike_derive_keys(sa, shared, shared_len);
	secure_zero(shared, sizeof(shared));
	if (err < 0)
		ike_log(sa, LOG_ERROR, "key derivation failed: %s",
			strerror(-err));
	return err;
}

static enum handler_status init_request_out(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	const struct cfg_conn *c = sa->conn;
	struct ike_proposal props[IKE_MAX_PROPOSALS];

	if (!sa->dh) {
		if (c->n_ike_proposals == 0 || c->ike_proposals[0].n_dh == 0)
			return H_ERROR;
		if (new_key_pair(sa, c->ike_proposals[0].dh[0]) < 0)
			return H_ERROR;
	}
	if (sa->ni_len == 0) {
		sa->ni_len = IKE_NONCE_LEN;
		random_bytes(sa->ni, sa->ni_len);
	}
	size_t n = proposals_to_wire(c->ike_proposals, c->n_ike_proposals,
				     PROTO_IKE, NULL, 0, true, props);
	if (sa->cookie)
		ike_add_notify(ctx->out, 0, NULL, 0, N_COOKIE, sa->cookie,
			       sa->cookie_len);
	if (!ike_add_sa(ctx->out, props, n) || !add_ke(ctx->out, sa) ||
	    !ike_add_nonce(ctx->out, sa->ni, sa->ni_len))
		return H_ERROR;
	return H_CONTINUE;
}

static bool offered_group(const struct cfg_conn *c, uint16_t group)
{
	for (size_t i = 0; i < c->n_ike_proposals; i++)
		for (size_t j = 0; j < c->ike_proposals[i].n_dh; j++)
			if (c->ike_proposals[i].dh[j] == group)
				return true;
	return false;
}

/* Restarts IKE_SA_INIT with a new group or a cookie. */
static enum handler_status restart_init(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	sa->next_request_id = 0;
	sa->spi_r = 0;
	if (ike_send_request(ctx->eng, sa, IKE_SA_INIT) < 0)
		return H_ERROR;
	return H_DONE;
}

static enum handler_status init_response_errors(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_notify n;

	if (ike_find_notify(ctx->in, N_COOKIE, &n) && n.len >= 1 &&
	    n.len <= 64 && !sa->cookie) {
		sa->cookie = malloc(n.len);
		if (!sa->cookie)
			return H_ERROR;
		memcpy(sa->cookie, n.data, n.len);
		sa->cookie_len = n.len;
		ike_log(sa, LOG_INFO, "peer requested a cookie, retrying");
		return restart_init(ctx);
	}
	if (ike_find_notify(ctx->in, N_INVALID_KE_PAYLOAD, &n)) {
		uint16_t group = n.len == 2 ? get_be16(n.data) : 0;
		if (group == sa->alg.dh || !offered_group(sa->conn, group)) {
			ike_log(sa, LOG_WARN,
				"peer sent INVALID_KE_PAYLOAD for group %u, "
				"which crest did not offer", group);
			return H_ERROR;
		}
		ike_log(sa, LOG_INFO,
			"peer sent INVALID_KE_PAYLOAD, retrying with group %u",
			group);
		if (new_key_pair(sa, group) < 0)
			return H_ERROR;
		return restart_init(ctx);
	}
	uint16_t err = ike_first_error(ctx->in, &n);
	if (err) {
		ike_log(sa, LOG_WARN, "peer rejected IKE_SA_INIT with %s",
			ike_notify_name(err) ? ike_notify_name(err) : "error");
		return H_ERROR;
	}
	return H_CONTINUE;
}

static int parse_ke_nonce(const struct ike_message *m, struct ike_ke *ke,
			  const struct ike_payload **nonce)
{
	const struct ike_payload *kp = ike_find(m, PL_KE);
	*nonce = ike_find(m, PL_NONCE);
	if (!kp || !*nonce || ike_parse_ke(kp->body, kp->len, ke) < 0 ||
	    ike_parse_nonce((*nonce)->body, (*nonce)->len) < 0)
		return -EBADMSG;
	return 0;
}

static enum handler_status init_response_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	const struct ike_payload *sp = ike_find(ctx->in, PL_SA), *np;
	struct ike_sa_payload sap;
	struct ike_proposal chosen;
	struct ike_ke ke;
	struct negotiated alg;
	uint16_t group = sa->alg.dh;

	if (!sp || ike_parse_sa(sp->body, sp->len, &sap) < 0 ||
	    parse_ke_nonce(ctx->in, &ke, &np) < 0) {
		ike_log(sa, LOG_WARN, "malformed IKE_SA_INIT response");
		return H_ERROR;
	}
	if (proposal_accept(sa->conn->ike_proposals, sa->conn->n_ike_proposals,
			    &sap, PROTO_IKE, true, &alg, &chosen) < 0 ||
	    alg.dh != group || ke.group != group) {
		ike_log(sa, LOG_WARN,
			"peer chose a proposal crest did not offer");
		return H_ERROR;
	}
	/* Only a response without an SA, carrying an error, may leave the
	 * responder's SPI zero (RFC 7296 2.6). */
	if (ctx->in->hdr.spi_r == 0) {
		ike_log(sa, LOG_WARN, "IKE_SA_INIT response with a zero "
			"responder SPI");
		return H_ERROR;
	}
	sa->alg = alg;
	sa->spi_r = ctx->in->hdr.spi_r;
	memcpy(sa->nr, np->body, np->len);
	sa->nr_len = np->len;
	if (complete_key_exchange(sa, &ke) < 0)
		return H_ERROR;
	return H_CONTINUE;
}

static enum handler_status init_start_auth(struct ike_ctx *ctx)
{
	char alg[96];
	negotiated_format(&ctx->sa->alg, false, alg, sizeof(alg));
	ike_log(ctx->sa, LOG_INFO, "IKE_SA_INIT done, %s", alg);
	ctx->sa->state = IKE_STATE_AUTH_SENT;
	if (ike_send_request(ctx->eng, ctx->sa, IKE_AUTH) < 0)
		return H_ERROR;
	return H_DONE;
}

static enum handler_status select_ike(struct ike_ctx *ctx,
				      const struct ike_sa_payload *sap,
				      const struct ike_ke *ke)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_proposal chosen;
	const struct cfg_conn *c = sa->conn;

	if (proposal_select(c->ike_proposals, c->n_ike_proposals, sap,
			    PROTO_IKE, true, ke->group, &chosen,
			    &sa->alg) < 0) {
		ike_log(sa, LOG_WARN, "no acceptable IKE proposal");
		return ike_ctx_fail(ctx, N_NO_PROPOSAL_CHOSEN);
	}
	if (sa->alg.dh != ke->group) {
		ike_log(sa, LOG_INFO,
			"peer sent KE for group %u, requesting group %u",
			ke->group, sa->alg.dh);
		put_be16(ctx->notify_data, sa->alg.dh);
		ctx->notify_data_len = 2;
		return ike_ctx_fail(ctx, N_INVALID_KE_PAYLOAD);
	}
	if (!ike_add_sa(ctx->out, &chosen, 1))
		return H_ERROR;
	return H_CONTINUE;
}

static enum handler_status init_request_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	const struct ike_payload *sp = ike_find(ctx->in, PL_SA), *np;
	struct ike_sa_payload sap;
	struct ike_ke ke;

	if (!sp || ike_parse_sa(sp->body, sp->len, &sap) < 0 ||
	    parse_ke_nonce(ctx->in, &ke, &np) < 0)
		return ike_ctx_fail(ctx, N_INVALID_SYNTAX);
	enum handler_status st = select_ike(ctx, &sap, &ke);
	if (st != H_CONTINUE)
		return st;

	memcpy(sa->ni, np->body, np->len);
	sa->ni_len = np->len;
	sa->nr_len = IKE_NONCE_LEN;
	random_bytes(sa->nr, sa->nr_len);
	if (new_key_pair(sa, sa->alg.dh) < 0)
		return H_ERROR;
	if (complete_key_exchange(sa, &ke) < 0)
		return ike_ctx_fail(ctx, N_INVALID_SYNTAX);
	if (!add_ke(ctx->out, sa) ||
	    !ike_add_nonce(ctx->out, sa->nr, sa->nr_len))
		return H_ERROR;
	return H_CONTINUE;
}

static const struct ike_handler sa_init_handlers[] = {
	{ "sa_init_request", IKE_SA_INIT, DIR_REQUEST_OUT, 10,
	  init_request_out },
	{ "sa_init_errors", IKE_SA_INIT, DIR_RESPONSE_IN, 5,
	  init_response_errors },
	{ "sa_init_response", IKE_SA_INIT, DIR_RESPONSE_IN, 10,
	  init_response_in },
	{ "sa_init_start_auth", IKE_SA_INIT, DIR_RESPONSE_IN, 90,
	  init_start_auth },
	{ "sa_init_respond", IKE_SA_INIT, DIR_REQUEST_IN, 10,
	  init_request_in },
};

void sa_init_register(void)
{
	for (size_t i = 0; i < sizeof(sa_init_handlers) /
				       sizeof(sa_init_handlers[0]);
	     i++)
		ike_handler_register(&sa_init_handlers[i]);
}
