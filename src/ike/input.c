// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Received IKE messages: find the SA, check the message ID, decrypt, run
 * the handler chain and send the response.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ike/engine_internal.h"
#include "ike/rekey.h"
#include "ike/handler.h"
#include "ike/sk.h"
#include "util/secure.h"
#include "util/timeutil.h"

static struct ike_sa *find_sa(struct ike_engine *eng,
			      const struct ike_header *h)
{
	bool from_initiator = h->flags & IKE_FLAG_INITIATOR;
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		if (sa->state == IKE_STATE_DEAD || sa->spi_i != h->spi_i)
			continue;
		if (from_initiator && !sa->initiator && sa->spi_r == h->spi_r)
			return sa;
		if (!from_initiator && sa->initiator &&
		    (sa->spi_r == h->spi_r ||
		     (sa->state == IKE_STATE_INIT_SENT &&
		      h->exchange == IKE_SA_INIT)))
			return sa;
	}
	return NULL;
}

/* A responder SA this initiator SPI and address already created. */
static struct ike_sa *find_half_open(struct ike_engine *eng, uint64_t spi_i,
				     const struct sockaddr_storage *from)
{
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next)
		if (!sa->initiator && sa->state != IKE_STATE_DEAD &&
		    sa->spi_i == spi_i && sockaddr_same_host(&sa->remote, from))
			return sa;
	return NULL;
}

static struct cfg_conn *find_conn(struct ike_engine *eng,
				  const struct sockaddr_storage *from)
{
	for (size_t r = 0; r < eng->cfg->n_realms; r++) {
		struct cfg_realm *realm = &eng->cfg->realms[r];
		for (size_t i = 0; i < realm->n_conns; i++)
			if (sockaddr_same_host(&realm->conns[i].remote_addr,
					       from))
				return &realm->conns[i];
	}
	return NULL;
}

/* Seals and sends a response, and caches it for retransmitted requests. */
static void send_response(struct ike_engine *eng, struct ike_sa *sa,
			  uint8_t exchange, uint32_t msg_id,
			  struct ike_builder *chain)
{
	uint8_t msg[IKE_MAX_MESSAGE];
	struct ike_header h;
	size_t len;

	ike_fill_header(sa, exchange, true, msg_id, &h);
	int err = ike_seal(sa, &h, chain, msg, sizeof(msg), &len);
	if (err < 0) {
		ike_log(sa, LOG_ERROR, "cannot build %s response: %s",
			ike_exchange_name(exchange), strerror(-err));
		return;
	}
	if (ike_store_message(&sa->response, &sa->response_len, msg, len) < 0)
		return;
	ike_log(sa, LOG_DEBUG, "sending %s response, message ID %" PRIu32
		", %zu bytes", ike_exchange_name(exchange), msg_id, len);
	ike_send_raw(eng, sa, msg, len);
}

/* Replaces whatever the chain built with the error notify alone. */
static void error_chain(struct ike_ctx *ctx, uint8_t *buf, size_t cap)
{
	ike_chain_init(ctx->out, buf, cap);
	ike_add_notify(ctx->out, 0, NULL, 0, ctx->notify, ctx->notify_data,
		       ctx->notify_data_len);
	ike_log(ctx->sa, LOG_WARN, "answering with notify %s",
		ike_notify_name(ctx->notify));
}

/*
 * Whether a new responder SA would exceed the limits of SAs waiting for
 * IKE_AUTH: IKE_HALF_OPEN_PER_PEER from one address, so that a flood in
 * one peer's name leaves the others alone, and IKE_HALF_OPEN_MAX in all.
 * TODO: respond with COOKIE notifies (RFC 7296 2.6) under a flood instead
 * of dropping.
 */
static bool half_open_full(const struct ike_engine *eng,
			   const struct sockaddr_storage *from)
{
	unsigned total = 0, peer = 0;
	for (const struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		if (sa->state != IKE_STATE_INIT_DONE || sa->initiator)
			continue;
		total++;
		if (sockaddr_same_host(&sa->remote, from))
			peer++;
	}
	return total >= IKE_HALF_OPEN_MAX || peer >= IKE_HALF_OPEN_PER_PEER;
}

static void sa_init_request(struct ike_engine *eng, uint8_t *msg, size_t len,
			    struct ike_message *m,
			    const struct sockaddr_storage *from,
			    const struct sockaddr_storage *to)
{
	struct ike_sa *sa = find_half_open(eng, m->hdr.spi_i, from);
	if (sa) {
		/* A retransmitted IKE_SA_INIT: resend the same response. */
		if (sa->response && sa->state == IKE_STATE_INIT_DONE)
			ike_send_raw(eng, sa, sa->response, sa->response_len);
		return;
	}
	struct cfg_conn *conn = find_conn(eng, from);
	if (!conn) {
		ike_count_drop(eng, IKE_DROP_NO_CONNECTION, from);
		return;
	}
	if (half_open_full(eng, from)) {
		ike_count_drop(eng, IKE_DROP_HALF_OPEN, from);
		return;
	}
	sa = ike_sa_new(conn, false);
	if (!sa)
		return;
	sa->spi_i = m->hdr.spi_i;
	sa->spi_r = ike_random_spi();
	sa->local = *to;
	sa->remote = *from;
	sa->state = IKE_STATE_INIT_DONE;
	sa->half_open_until_ms = eng->now_ms + IKE_HALF_OPEN_MS;
	ike_link_sa(eng, sa);
	ike_log(sa, LOG_INFO, "IKE_SA_INIT request received");
	if (ike_store_message(&sa->init_request, &sa->init_request_len, msg,
			      len) < 0) {
		ike_sa_kill(eng, sa, "out of memory");
		return;
	}

	uint8_t plain[IKE_MAX_MESSAGE];
	struct ike_builder chain;
	struct ike_ctx ctx = { .eng = eng, .sa = sa, .in = m, .out = &chain,
			       .from = from, .to = to };
	ike_chain_init(&chain, plain, sizeof(plain));
	if (ike_handlers_run(IKE_SA_INIT, DIR_REQUEST_IN, &ctx) == H_ERROR) {
		if (ctx.notify) {
			error_chain(&ctx, plain, sizeof(plain));
			sa->spi_r = 0;
			send_response(eng, sa, IKE_SA_INIT, 0, &chain);
		}
		ike_sa_kill(eng, sa, "IKE_SA_INIT rejected");
		return;
	}
	send_response(eng, sa, IKE_SA_INIT, 0, &chain);
	ike_store_message(&sa->init_response, &sa->init_response_len,
			  sa->response, sa->response_len);
	sa->peer_next_id = 1;
}

/*
 * Responds to an authentic request whose inner payloads are malformed
 * with INVALID_SYNTAX.  A broken IKE_AUTH ends the IKE SA (RFC 7296 2.21.2);
 * after other exchanges it stays.
 */
static void malformed_request(struct ike_engine *eng, struct ike_sa *sa,
			      const struct ike_message *m,
			      const struct sockaddr_storage *from)
{
	uint8_t plain[64];
	struct ike_builder chain;
	ike_count_drop(eng, IKE_DROP_MALFORMED, from);
	ike_log(sa, LOG_WARN, "malformed payloads in %s request %" PRIu32
		", answering INVALID_SYNTAX",
		ike_exchange_name(m->hdr.exchange), m->hdr.msg_id);
	ike_chain_init(&chain, plain, sizeof(plain));
	ike_add_notify(&chain, 0, NULL, 0, N_INVALID_SYNTAX, NULL, 0);
	sa->peer_next_id = m->hdr.msg_id + 1;
	send_response(eng, sa, m->hdr.exchange, m->hdr.msg_id, &chain);
	if (m->hdr.exchange == IKE_AUTH)
		ike_sa_kill(eng, sa, "malformed IKE_AUTH request");
}

static void handle_request(struct ike_engine *eng, struct ike_sa *sa,
			   uint8_t *msg, size_t len, struct ike_message *m,
			   const struct sockaddr_storage *from,
			   const struct sockaddr_storage *to)
{
	uint32_t id = m->hdr.msg_id;
	if (sa->response && id + 1 == sa->peer_next_id) {
		ike_log(sa, LOG_DEBUG, "retransmitted request %" PRIu32
			", resending the response", id);
		ike_send_raw(eng, sa, sa->response, sa->response_len);
		return;
	}
	if (id != sa->peer_next_id) {
		ike_count_drop(eng, IKE_DROP_BAD_MESSAGE_ID, from);
		return;
	}
	int err = sk_open(sa->sk_in, msg, len, m);
	if (err == SK_INNER_MALFORMED) {
		malformed_request(eng, sa, m, from);
		return;
	}
	if (err < 0) {
		ike_count_drop(eng, IKE_DROP_DECRYPT, from);
		return;
	}
	sa->last_rx_ms = eng->now_ms;
	if (sa->natt)
		sa->remote = *from; /* the peer's NAT may have changed port */

	uint8_t plain[IKE_MAX_MESSAGE];
	struct ike_builder chain;
	struct ike_ctx ctx = { .eng = eng, .sa = sa, .in = m, .out = &chain,
			       .from = from, .to = to };
	ike_chain_init(&chain, plain, sizeof(plain));
	enum handler_status st =
		ike_handlers_run(m->hdr.exchange, DIR_REQUEST_IN, &ctx);
	if (st == H_ERROR && ctx.notify)
		error_chain(&ctx, plain, sizeof(plain));
	sa->peer_next_id = id + 1;
	send_response(eng, sa, m->hdr.exchange, id, &chain);
	secure_zero(plain, sizeof(plain));
	if (st == H_ERROR)
		ike_sa_kill(eng, sa, "exchange failed");
	else if (ctx.delete_sa && sa->rekeyed_to)
		ike_sa_kill(eng, sa, "replaced by a rekey");
	else if (ctx.delete_sa)
		ike_sa_fail(eng, sa, "deleted by peer", sa->conn->close_action);
}

static void handle_response(struct ike_engine *eng, struct ike_sa *sa,
			    uint8_t *msg, size_t len, struct ike_message *m,
			    const struct sockaddr_storage *from,
			    const struct sockaddr_storage *to)
{
	if (!sa->request || m->hdr.msg_id != sa->next_request_id ||
	    m->hdr.exchange != sa->request_exchange) {
		ike_count_drop(eng, IKE_DROP_BAD_MESSAGE_ID, from);
		return;
	}
	if (m->hdr.exchange != IKE_SA_INIT &&
	    sk_open(sa->sk_in, msg, len, m) < 0) {
		ike_count_drop(eng, IKE_DROP_DECRYPT, from);
		return;
	}
	sa->last_rx_ms = eng->now_ms;
	if (sa->natt && m->hdr.exchange != IKE_SA_INIT)
		sa->remote = *from;
	if (m->hdr.exchange == IKE_SA_INIT &&
	    ike_store_message(&sa->init_response, &sa->init_response_len, msg,
			      len) < 0)
		return;

	free(sa->request);
	sa->request = NULL;
	sa->next_request_id++;

	struct ike_ctx ctx = { .eng = eng, .sa = sa, .in = m, .from = from,
			       .to = to };
	if (ike_handlers_run(m->hdr.exchange, DIR_RESPONSE_IN, &ctx) ==
	    H_ERROR)
		ike_sa_kill(eng, sa, "exchange failed");
	if (ctx.delete_sa)
		ike_sa_kill(eng, sa, "deleted");
	/* The next child of the connection goes out at once. */
	if (sa->children_todo && !sa->request)
		rekey_create_next_child(eng, sa);
	/* A reauthentication replaces the old SA once all children are up
	 * or have failed. */
	if (sa->replaces_spi_i && !sa->children_todo && !sa->request &&
	    sa->state == IKE_STATE_ESTABLISHED)
		rekey_reauth_done(eng, sa);
}

/*
 * Responds to a malformed IKE_SA_INIT request with one notify and keeps no
 * state, as RFC 7296 2.21.1 allows for messages without an IKE SA.
 */
static void reject_init(struct ike_engine *eng, const struct ike_header *rq,
			uint16_t notify, const struct sockaddr_storage *from,
			const struct sockaddr_storage *to)
{
	uint8_t buf[128];
	struct ike_builder b;
	struct ike_header h = { .spi_i = rq->spi_i, .version = 0x20,
				.exchange = IKE_SA_INIT,
				.flags = IKE_FLAG_RESPONSE };
	char addr[64];

	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_add_notify(&b, 0, NULL, 0, notify, NULL, 0);
	size_t len = ike_build_finish(&b);
	if (len == 0)
		return;
	sockaddr_format(from, addr, sizeof(addr));
	log_limited(LOG_INFO, "ike",
		    "malformed IKE_SA_INIT request from %s, answering %s", addr,
		    ike_notify_name(notify));
	eng->ops->send(eng->io, to, from, false, buf, len);
}

static void malformed(struct ike_engine *eng, const uint8_t *msg, size_t len,
		      int err, const struct sockaddr_storage *from,
		      const struct sockaddr_storage *to, bool natt)
{
	struct ike_header h;
	ike_count_drop(eng, IKE_DROP_MALFORMED, from);

	/* A wrong major version still fills in the header. */
	int herr = ike_parse_header(msg, len, &h);
	if (natt || (herr < 0 && herr != -EPROTONOSUPPORT) ||
	    h.exchange != IKE_SA_INIT || h.spi_r != 0 || h.msg_id != 0 ||
	    (h.flags & IKE_FLAG_RESPONSE))
		return;
	uint16_t notify = N_INVALID_SYNTAX;
	if (err == -EPROTO)
		notify = N_UNSUPPORTED_CRITICAL_PAYLOAD;
	else if (err == -EPROTONOSUPPORT)
		notify = N_INVALID_MAJOR_VERSION;
	reject_init(eng, &h, notify, from, to);
}

void ike_engine_input(struct ike_engine *eng, uint8_t *msg, size_t len,
		      const struct sockaddr_storage *from,
		      const struct sockaddr_storage *to, bool natt)
{
	struct ike_message m;
	eng->now_ms = now_ms();
	int err = ike_parse_message(msg, len, &m);
	if (err < 0) {
		malformed(eng, msg, len, err, from, to, natt);
		return;
	}

	bool response = m.hdr.flags & IKE_FLAG_RESPONSE;
	if (m.hdr.exchange == IKE_SA_INIT && !response) {
		/* RFC 7296 3.1: the initiator's SPI is never zero. */
		if (m.hdr.spi_i == 0 || m.hdr.spi_r != 0 || m.hdr.msg_id != 0) {
			ike_count_drop(eng, IKE_DROP_MALFORMED, from);
			return;
		}
		sa_init_request(eng, msg, len, &m, from, to);
	} else {
		struct ike_sa *sa = find_sa(eng, &m.hdr);
		if (!sa) {
			ike_count_drop(eng, IKE_DROP_UNKNOWN_SPI, from);
			return;
		}
		if (response)
			handle_response(eng, sa, msg, len, &m, from, to);
		else
			handle_request(eng, sa, msg, len, &m, from, to);
	}
	ike_reap(eng);
}
