// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NAT traversal (RFC 7296 2.23, RFC 3948): the NAT_DETECTION notifies in
 * IKE_SA_INIT and the move to port 4500.  With forced encapsulation crest
 * sends a source hash that cannot match, so both sides see a NAT and move.
 */
#include "ike/exchanges.h"

#include <string.h>

#include "ike/natd.h"
#include "util/secure.h"

#define NATT_PORT 4500

static bool add_natd(struct ike_ctx *ctx, const struct sockaddr_storage *src,
		     const struct sockaddr_storage *dst)
{
	struct ike_sa *sa = ctx->sa;
	uint8_t h[NATD_HASH_LEN];

	if (sa->conn->force_encap)
		random_bytes(h, sizeof(h));
	else if (natd_hash(sa->spi_i, sa->spi_r, src, h) < 0)
		return false;
	if (!ike_add_notify(ctx->out, 0, NULL, 0, N_NAT_DETECTION_SOURCE_IP,
			    h, sizeof(h)))
		return false;
	if (natd_hash(sa->spi_i, sa->spi_r, dst, h) < 0)
		return false;
	return ike_add_notify(ctx->out, 0, NULL, 0,
			      N_NAT_DETECTION_DESTINATION_IP, h, sizeof(h));
}

static bool hash_matches(const struct ike_notify *n, uint64_t spi_i,
			 uint64_t spi_r, const struct sockaddr_storage *addr)
{
	uint8_t h[NATD_HASH_LEN];
	return n->len == NATD_HASH_LEN &&
	       natd_hash(spi_i, spi_r, addr, h) == 0 &&
	       ct_equal(h, n->data, NATD_HASH_LEN);
}

/*
 * Compares the peer's hashes with the addresses of the received packet:
 * the destination hash describes us as the peer sees us, the source hash
 * the peer as it sees itself.  Any source hash may match (several are
 * allowed for a multi-homed peer).  Returns false if they were absent.
 */
static bool detect(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	const struct ike_message *m = ctx->in;
	bool have_src = false, src_ok = false, have_dst = false, dst_ok = false;

	for (size_t i = 0; i < m->n_payloads; i++) {
		struct ike_notify n;
		const struct ike_payload *p = &m->payloads[i];
		if (p->type != PL_NOTIFY ||
		    ike_parse_notify(p->body, p->len, &n) < 0)
			continue;
		if (n.type == N_NAT_DETECTION_SOURCE_IP) {
			have_src = true;
			src_ok |= hash_matches(&n, m->hdr.spi_i, m->hdr.spi_r,
					       ctx->from);
		} else if (n.type == N_NAT_DETECTION_DESTINATION_IP) {
			have_dst = true;
			dst_ok |= hash_matches(&n, m->hdr.spi_i, m->hdr.spi_r,
					       ctx->to);
		}
	}
	if (!have_src || !have_dst)
		return false;
	sa->nat_remote = !src_ok;
	sa->nat_local = !dst_ok;
	return true;
}

static void float_to_4500(struct ike_sa *sa)
{
	sa->natt = true;
	sockaddr_set_port(&sa->local, NATT_PORT);
	if (sockaddr_port(&sa->remote) == 500)
		sockaddr_set_port(&sa->remote, NATT_PORT);
}

static enum handler_status natd_request_out(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	if (!add_natd(ctx, &sa->local, &sa->remote))
		return H_ERROR;
	return H_CONTINUE;
}

static enum handler_status natd_response_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	bool present = detect(ctx);
	if (present && (sa->nat_local || sa->nat_remote)) {
		ike_log(sa, LOG_INFO, "NAT detected (%s%s%s), moving to port "
			"4500", sa->nat_local ? "local" : "",
			sa->nat_local && sa->nat_remote ? ", " : "",
			sa->nat_remote ? "remote" : "");
		float_to_4500(sa);
	} else if (sa->conn->force_encap) {
		ike_log(sa, LOG_INFO, "UDP encapsulation forced, moving to "
			"port 4500");
		float_to_4500(sa);
	}
	return H_CONTINUE;
}

static enum handler_status natd_request_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	if (!detect(ctx))
		return H_CONTINUE; /* the peer does not support NAT-T */
	if (!add_natd(ctx, ctx->to, ctx->from))
		return H_ERROR;
	if (sa->nat_local || sa->nat_remote) {
		ike_log(sa, LOG_INFO, "NAT detected (%s%s%s)",
			sa->nat_local ? "local" : "",
			sa->nat_local && sa->nat_remote ? ", " : "",
			sa->nat_remote ? "remote" : "");
		/* The initiator moves first; we follow when IKE_AUTH
		 * arrives on port 4500. */
	}
	return H_CONTINUE;
}

/* Responder: IKE_AUTH on port 4500 moves the SA there. */
static enum handler_status natt_auth_request_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	if (!sa->natt && sockaddr_port(ctx->to) == NATT_PORT) {
		sa->natt = true;
		sa->local = *ctx->to;
		sa->remote = *ctx->from;
	}
	return H_CONTINUE;
}

static const struct ike_handler natt_handlers[] = {
	{ "natd_request", IKE_SA_INIT, DIR_REQUEST_OUT, 50, natd_request_out },
	{ "natd_response", IKE_SA_INIT, DIR_RESPONSE_IN, 50,
	  natd_response_in },
	{ "natd_respond", IKE_SA_INIT, DIR_REQUEST_IN, 50, natd_request_in },
	{ "natt_auth", IKE_AUTH, DIR_REQUEST_IN, 1, natt_auth_request_in },
};

void natt_register(void)
{
	for (size_t i = 0; i < sizeof(natt_handlers) / sizeof(natt_handlers[0]);
	     i++)
		ike_handler_register(&natt_handlers[i]);
}
