// SPDX-License-Identifier: LGPL-2.1-or-later
/* IKE_AUTH (RFC 7296 1.2, 2.15): identities, PSK authentication. */
#include "ike/exchanges.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/secrets.h"
#include "ike/auth.h"
#include "ike/child.h"
#include "ike/engine_internal.h"
#include "ike/rekey.h"
#include "util/secure.h"

/* The body of an ID payload: type, three reserved bytes, data. */
static size_t id_body(const struct cfg_identity *id, uint8_t *out)
{
	memset(out, 0, 4);
	out[0] = id->type;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

/* Computes the AUTH value that `signer` sends for the ID body given. */
static int compute_auth(struct ike_ctx *ctx, bool of_initiator,
			const uint8_t *body, size_t body_len, uint8_t *out)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_engine *eng = ctx->eng;
	uint8_t *octets;
	size_t octets_len;
	int err = auth_signed_octets(sa, of_initiator, body, body_len, &octets,
				     &octets_len);
	if (err < 0)
		return err;

	/* The process that keeps the PSKs computes the value. */
	if (eng->ops->auth_psk)
		err = eng->ops->auth_psk(eng->io, sa,
					 of_initiator == sa->initiator, octets,
					 octets_len, out);
	else
		err = auth_psk_lookup(eng->secrets, sa->conn, sa->alg.prf,
				      octets, octets_len, out);
	free(octets);
	if (err == -ENOENT)
		ike_log(sa, LOG_ERROR,
			"no PSK for identities %s and %s in the secrets file",
			sa->conn->local_id.text, sa->conn->remote_id.text);
	return err;
}

static bool add_own_auth(struct ike_ctx *ctx, uint8_t id_type)
{
	struct ike_sa *sa = ctx->sa;
	uint8_t body[4 + CFG_MAX_ID_LEN], auth[CRYPTO_MAX_PRF_LEN];
	size_t len = id_body(&sa->conn->local_id, body);

	if (!ike_add_id(ctx->out, id_type, sa->conn->local_id.type,
			sa->conn->local_id.data, sa->conn->local_id.len))
		return false;
	if (compute_auth(ctx, sa->initiator, body, len, auth) < 0)
		return false;
	bool ok = ike_add_auth(ctx->out, AUTH_METHOD_PSK, auth, sa->prf_len);
	secure_zero(auth, sizeof(auth));
	return ok;
}

/* Checks the peer's ID against the configuration and its AUTH value. */
static int verify_peer(struct ike_ctx *ctx, uint8_t id_type)
{
	struct ike_sa *sa = ctx->sa;
	const struct ike_payload *idp = ike_find(ctx->in, id_type);
	const struct ike_payload *ap = ike_find(ctx->in, PL_AUTH);
	const struct cfg_identity *want = &sa->conn->remote_id;
	struct ike_id id;
	struct ike_auth auth;
	uint8_t expect[CRYPTO_MAX_PRF_LEN];

	if (!idp || !ap || ike_parse_id(idp->body, idp->len, &id) < 0 ||
	    ike_parse_auth(ap->body, ap->len, &auth) < 0)
		return -EBADMSG;
	if (id.type != want->type || id.len != want->len ||
	    memcmp(id.data, want->data, id.len) != 0) {
		ike_log(sa, LOG_WARN, "peer identity does not match %s",
			want->text);
		return -EACCES;
	}
	if (auth.method != AUTH_METHOD_PSK || auth.len != sa->prf_len) {
		ike_log(sa, LOG_WARN, "peer used auth method %u, expected PSK",
			auth.method);
		return -EACCES;
	}
	int err = compute_auth(ctx, !sa->initiator, idp->body, idp->len,
			       expect);
	if (err == 0 && !ct_equal(expect, auth.data, auth.len))
		err = -EACCES;
	secure_zero(expect, sizeof(expect));
	if (err == -EACCES)
		ike_log(sa, LOG_WARN, "peer AUTH payload does not verify "
			"(wrong pre-shared key?)");
	return err;
}

/*
 * INITIAL_CONTACT (RFC 7296 2.4): the peer has no other SA with us, so any
 * other IKE SA of this connection is stale, left from before a restart.
 */
static void close_stale_sas(struct ike_engine *eng, struct ike_sa *current)
{
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		if (sa == current || sa->conn != current->conn ||
		    sa->state == IKE_STATE_DEAD)
			continue;
		ike_log(sa, LOG_INFO, "peer sent INITIAL_CONTACT on IKE SA "
			"%016llx_i: closing this stale SA",
			(unsigned long long)current->spi_i);
		ike_sa_kill(eng, sa, "replaced after the peer restarted");
	}
}

static enum handler_status auth_request_out(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	if (!add_own_auth(ctx, PL_IDI))
		return H_ERROR;
	/* A reauthentication keeps the old SA until the new one is up. */
	if (!sa->replaces_spi_i &&
	    !ike_add_notify(ctx->out, 0, NULL, 0, N_INITIAL_CONTACT, NULL, 0))
		return H_ERROR;
	if (child_add_request(ctx) < 0)
		return H_ERROR;
	return H_CONTINUE;
}

static enum handler_status auth_request_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	if (sa->state != IKE_STATE_INIT_DONE)
		return ike_ctx_fail(ctx, N_INVALID_SYNTAX);
	int err = verify_peer(ctx, PL_IDI);
	if (err == -EBADMSG)
		return ike_ctx_fail(ctx, N_INVALID_SYNTAX);
	if (err < 0) {
		ike_log(sa, LOG_WARN, "authentication of peer failed");
		return ike_ctx_fail(ctx, N_AUTHENTICATION_FAILED);
	}
	if (!add_own_auth(ctx, PL_IDR))
		return H_ERROR;
	sa->state = IKE_STATE_ESTABLISHED;
	sa->established_ms = ctx->eng->now_ms;
	rekey_set_ike_lifetimes(ctx->eng, sa);
	ike_log(sa, LOG_INFO, "IKE SA established (responder), peer %s",
		sa->conn->remote_id.text);
	if (ike_find_notify(ctx->in, N_INITIAL_CONTACT, &(struct ike_notify){ 0 }))
		close_stale_sas(ctx->eng, sa);
	return H_CONTINUE;
}

static enum handler_status auth_response_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	struct ike_notify n;

	if (ike_find_notify(ctx->in, N_AUTHENTICATION_FAILED, &n)) {
		ike_log(sa, LOG_WARN, "peer sent AUTHENTICATION_FAILED");
		return H_ERROR;
	}
	if (!ike_find(ctx->in, PL_AUTH)) {
		uint16_t e = ike_first_error(ctx->in, &n);
		ike_log(sa, LOG_WARN, "peer rejected IKE_AUTH with %s",
			e && ike_notify_name(e) ? ike_notify_name(e)
						: "no AUTH payload");
		return H_ERROR;
	}
	if (verify_peer(ctx, PL_IDR) < 0) {
		ike_log(sa, LOG_WARN, "authentication of peer failed");
		/* The responder already installed its side: a Delete in a
		 * new exchange removes it (RFC 7296 2.21.2). */
		sa->state = IKE_STATE_DELETING;
		ike_send_request(ctx->eng, sa, INFORMATIONAL);
		return H_ERROR;
	}
	sa->state = IKE_STATE_ESTABLISHED;
	sa->established_ms = ctx->eng->now_ms;
	rekey_set_ike_lifetimes(ctx->eng, sa);
	ike_log(sa, LOG_INFO, "IKE SA established (initiator), peer %s",
		sa->conn->remote_id.text);
	return H_CONTINUE;
}

static enum handler_status reauth_response_in(struct ike_ctx *ctx)
{
	/* With more children to create, the old SA goes after the last. */
	if (ctx->sa->replaces_spi_i && !ctx->sa->children_todo &&
	    ctx->sa->state == IKE_STATE_ESTABLISHED)
		rekey_reauth_done(ctx->eng, ctx->sa);
	return H_CONTINUE;
}

static const struct ike_handler auth_handlers[] = {
	{ "auth_request", IKE_AUTH, DIR_REQUEST_OUT, 10, auth_request_out },
	{ "auth_respond", IKE_AUTH, DIR_REQUEST_IN, 10, auth_request_in },
	{ "auth_child_respond", IKE_AUTH, DIR_REQUEST_IN, 20,
	  child_request_in },
	{ "auth_response", IKE_AUTH, DIR_RESPONSE_IN, 10, auth_response_in },
	{ "auth_child_response", IKE_AUTH, DIR_RESPONSE_IN, 20,
	  child_response_in },
	{ "auth_reauth_done", IKE_AUTH, DIR_RESPONSE_IN, 30,
	  reauth_response_in },
};

void ike_auth_register(void)
{
	for (size_t i = 0; i < sizeof(auth_handlers) / sizeof(auth_handlers[0]);
	     i++)
		ike_handler_register(&auth_handlers[i]);
}
