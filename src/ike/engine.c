// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/engine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ike/handler.h"
#include "ike/proposal.h"
#include "ike/liveness.h"
#include "ike/rekey.h"
#include "ike/engine_internal.h"
#include "ike/exchanges.h"
#include "ike/sk.h"
#include "util/secure.h"
#include "util/timeutil.h"

static const char *const drop_names[IKE_DROP_COUNT] = {
	[IKE_DROP_MALFORMED] = "malformed",
	[IKE_DROP_UNKNOWN_SPI] = "unknown_spi",
	[IKE_DROP_BAD_MESSAGE_ID] = "bad_message_id",
	[IKE_DROP_DECRYPT] = "decrypt_failed",
	[IKE_DROP_UNEXPECTED] = "unexpected",
	[IKE_DROP_NO_CONNECTION] = "no_connection",
	[IKE_DROP_HALF_OPEN] = "half_open_limit",
};

const char *ike_drop_name(enum ike_drop reason)
{
	return reason < IKE_DROP_COUNT ? drop_names[reason] : "?";
}

void ike_count_drop(struct ike_engine *eng, enum ike_drop reason,
		       const struct sockaddr_storage *from)
{
	char addr[64];
	eng->ike_drops[reason]++;
	sockaddr_format(from, addr, sizeof(addr));
	log_limited(LOG_WARN, "ike", "dropped IKE message from %s: %s", addr,
		    ike_drop_name(reason));
}

void ike_engine_init(struct ike_engine *eng, struct cfg *cfg,
		     const struct secrets *secrets,
		     const struct ike_engine_ops *ops, void *io)
{
	memset(eng, 0, sizeof(*eng));
	eng->cfg = cfg;
	eng->secrets = secrets;
	eng->ops = ops;
	eng->io = io;
	eng->now_ms = now_ms();
}

void ike_link_sa(struct ike_engine *eng, struct ike_sa *sa)
{
	sa->next = eng->sas;
	eng->sas = sa;
}

uint64_t ike_random_spi(void)
{
	uint64_t spi = 0;
	while (spi == 0)
		random_bytes(&spi, sizeof(spi));
	return spi;
}

void ike_sa_kill(struct ike_engine *eng, struct ike_sa *sa,
		 const char *reason)
{
	if (sa->state == IKE_STATE_DEAD)
		return;
	ike_log(sa, LOG_INFO, "IKE SA closed: %s", reason);
	for (struct child_sa *c = sa->children; c; c = c->next) {
		if (c->installed && eng->ops->child_down)
			eng->ops->child_down(eng->io, c);
		c->installed = false;
	}
	sa->state = IKE_STATE_DEAD;
}

/* Frees SAs marked dead. */
void ike_reap(struct ike_engine *eng)
{
	struct ike_sa **pp = &eng->sas;
	while (*pp) {
		struct ike_sa *sa = *pp;
		if (sa->state == IKE_STATE_DEAD) {
			*pp = sa->next;
			ike_sa_free(sa);
		} else {
			pp = &sa->next;
		}
	}
}

int ike_send_raw(struct ike_engine *eng, struct ike_sa *sa,
			const uint8_t *msg, size_t len)
{
	return eng->ops->send(eng->io, &sa->local, &sa->remote, sa->natt, msg,
			      len);
}

/*
 * Seals a payload chain into a message: IKE_SA_INIT travels in the clear,
 * everything later inside an SK payload.
 */
int ike_seal(struct ike_sa *sa, const struct ike_header *hdr,
		struct ike_builder *chain, uint8_t *out, size_t cap,
		size_t *out_len)
{
	size_t plain_len = ike_build_finish(chain);
	if (chain->w.failed)
		return -ENOSPC;
	if (hdr->exchange != IKE_SA_INIT)
		return sk_seal(sa->sk_out, hdr, chain->first_type,
			       chain->w.data, plain_len, out, cap, out_len);

	struct ike_builder b;
	struct ike_header h = *hdr;
	h.next_payload = chain->first_type;
	ike_build_init(&b, out, cap, &h);
	if (b.w.failed || !write_bytes(&b.w, chain->w.data, plain_len))
		return -ENOSPC;
	*b.next_field = chain->first_type;
	*out_len = ike_build_finish(&b);
	return *out_len ? 0 : -ENOSPC;
}

void ike_fill_header(const struct ike_sa *sa, uint8_t exchange,
			bool response, uint32_t msg_id, struct ike_header *h)
{
	memset(h, 0, sizeof(*h));
	h->spi_i = sa->spi_i;
	h->spi_r = sa->spi_r;
	h->version = 0x20;
	h->exchange = exchange;
	h->flags = (uint8_t)((sa->initiator ? IKE_FLAG_INITIATOR : 0) |
			     (response ? IKE_FLAG_RESPONSE : 0));
	h->msg_id = msg_id;
}

static void arm_retransmit(struct ike_engine *eng, struct ike_sa *sa)
{
	sa->request_first_sent_ms = eng->now_ms;
	sa->request_tries = 0;
	sa->request_next_ms = eng->now_ms + sa->conn->retransmit_timeout_ms;
}

int ike_send_request(struct ike_engine *eng, struct ike_sa *sa,
		     uint8_t exchange)
{
	uint8_t plain[IKE_MAX_MESSAGE], msg[IKE_MAX_MESSAGE];
	struct ike_builder chain;
	struct ike_ctx ctx = { .eng = eng, .sa = sa, .out = &chain };
	struct ike_header h;
	size_t len;

	ike_chain_init(&chain, plain, sizeof(plain));
	if (ike_handlers_run(exchange, DIR_REQUEST_OUT, &ctx) == H_ERROR)
		return -EINVAL;

	ike_fill_header(sa, exchange, false, sa->next_request_id, &h);
	int err = ike_seal(sa, &h, &chain, msg, sizeof(msg), &len);
	secure_zero(plain, sizeof(plain));
	if (err < 0) {
		ike_log(sa, LOG_ERROR, "cannot build %s request: %s",
			ike_exchange_name(exchange), strerror(-err));
		return err;
	}
	if (exchange == IKE_SA_INIT) {
		err = ike_store_message(&sa->init_request,
					&sa->init_request_len, msg, len);
		if (err < 0)
			return err;
	}
	err = ike_store_message(&sa->request, &sa->request_len, msg, len);
	if (err < 0)
		return err;
	sa->request_exchange = exchange;
	arm_retransmit(eng, sa);
	ike_log(sa, LOG_DEBUG, "sending %s request, message ID %" PRIu32
		", %zu bytes", ike_exchange_name(exchange), h.msg_id, len);
	ike_send_raw(eng, sa, msg, len);
	return 0;
}

int ike_engine_initiate(struct ike_engine *eng, struct cfg_conn *conn)
{
	return ike_engine_initiate_children(eng, conn,
					    config_conn_start_mask(conn));
}

int ike_engine_initiate_children(struct ike_engine *eng,
				 struct cfg_conn *conn, uint32_t mask)
{
	struct ike_sa *sa = ike_sa_new(conn, true);
	if (!sa)
		return -ENOMEM;
	eng->now_ms = now_ms();
	sa->spi_i = ike_random_spi();
	sa->children_todo = mask;
	ike_link_sa(eng, sa);
	ike_log(sa, LOG_INFO, "initiating IKE SA");
	sa->state = IKE_STATE_INIT_SENT;
	int err = ike_send_request(eng, sa, IKE_SA_INIT);
	if (err < 0)
		ike_sa_kill(eng, sa, "cannot send IKE_SA_INIT");
	return err;
}

int ike_sa_delete(struct ike_engine *eng, struct ike_sa *sa)
{
	if (sa->state != IKE_STATE_ESTABLISHED || sa->request)
		return -EBUSY;
	sa->state = IKE_STATE_DELETING;
	return ike_send_request(eng, sa, INFORMATIONAL);
}

void ike_engine_shutdown(struct ike_engine *eng)
{
	eng->now_ms = now_ms();
	eng->stopping = true;
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		if (sa->state == IKE_STATE_ESTABLISHED) {
			free(sa->request);
			sa->request = NULL;
			ike_sa_delete(eng, sa);
		}
		ike_sa_kill(eng, sa, "daemon stopping");
	}
	ike_reap(eng);
}

static void retransmit(struct ike_engine *eng, struct ike_sa *sa)
{
	const struct cfg_conn *c = sa->conn;
	uint64_t elapsed = eng->now_ms - sa->request_first_sent_ms;

	if (sa->request_tries >= c->retransmit_tries ||
	    elapsed >= c->retransmit_giveup_ms) {
		ike_log(sa, LOG_WARN,
			"peer did not answer %s request: giving up after %u "
			"retransmissions and %" PRIu64 " ms",
			ike_exchange_name(sa->request_exchange),
			sa->request_tries, elapsed);
		free(sa->request);
		sa->request = NULL;
		/* Like strongSwan's keyingtries = 1, a setup that never
		 * completed is not retried; a tunnel that was up is. */
		ike_sa_fail(eng, sa, "peer not responding",
			    sa->established_ms || sa->restarted
				    ? sa->conn->dpd_action
				    : SA_ACTION_CLEAR);
		return;
	}

	sa->request_tries++;
	unsigned shift = sa->request_tries < 16 ? sa->request_tries : 16;
	uint64_t wait = (uint64_t)c->retransmit_timeout_ms << shift;
	sa->request_next_ms = eng->now_ms + wait;
	ike_log(sa, LOG_INFO,
		"retransmitting %s request, try %u, next timeout %" PRIu64
		" ms", ike_exchange_name(sa->request_exchange),
		sa->request_tries, wait);
	ike_send_raw(eng, sa, sa->request, sa->request_len);
}

static uint64_t sa_timers(struct ike_engine *eng, struct ike_sa *sa)
{
	uint64_t next = UINT64_MAX;

	/* A responder's SA that IKE_AUTH never followed. */
	if (sa->state == IKE_STATE_INIT_DONE && sa->half_open_until_ms) {
		if (eng->now_ms >= sa->half_open_until_ms) {
			ike_sa_kill(eng, sa, "no IKE_AUTH request followed "
					     "IKE_SA_INIT");
			return UINT64_MAX;
		}
		next = sa->half_open_until_ms;
	}

	if (sa->request) {
		uint64_t giveup = sa->request_first_sent_ms +
				  sa->conn->retransmit_giveup_ms;
		uint64_t due = sa->request_next_ms < giveup
				       ? sa->request_next_ms
				       : giveup;
		if (eng->now_ms >= due)
			retransmit(eng, sa);
		if (sa->request && sa->state != IKE_STATE_DEAD) {
			giveup = sa->request_first_sent_ms +
				 sa->conn->retransmit_giveup_ms;
			next = sa->request_next_ms < giveup
				       ? sa->request_next_ms
				       : giveup;
		}
	}

	unsigned ka = sa->conn->keepalive_interval_s;
	/* Keepalives hold the mapping of a NAT in front of us open; with
	 * forced encapsulation there may be one we cannot see. */
	if (sa->state == IKE_STATE_ESTABLISHED && sa->natt &&
	    (sa->nat_local || sa->conn->force_encap) && ka > 0) {
		if (sa->keepalive_next_ms == 0)
			sa->keepalive_next_ms = eng->now_ms + ka * 1000ull;
		if (eng->now_ms >= sa->keepalive_next_ms) {
			if (eng->ops->keepalive)
				eng->ops->keepalive(eng->io, sa);
			sa->keepalive_next_ms = eng->now_ms + ka * 1000ull;
		}
		if (sa->keepalive_next_ms < next)
			next = sa->keepalive_next_ms;
	}
	return next;
}

uint64_t ike_engine_run_timers(struct ike_engine *eng, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	eng->now_ms = now;
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		if (sa->state == IKE_STATE_DEAD)
			continue;
		uint64_t t = sa_timers(eng, sa);
		if (t < next)
			next = t;
		t = rekey_timers(eng, sa);
		if (t < next)
			next = t;
		t = liveness_timers(eng, sa);
		if (t < next)
			next = t;
	}
	ike_reap(eng);
	return next;
}

struct child_sa *ike_engine_find_child(struct ike_engine *eng, uint32_t spi)
{
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next)
		for (struct child_sa *c = sa->children; c; c = c->next)
			if (c->installed && c->spi_in == spi)
				return c;
	return NULL;
}

static void log_child(const struct child_sa *c)
{
	char alg[96], lts[512], rts[512];
	negotiated_format(&c->alg, true, alg, sizeof(alg));
	ts_format_list(c->local_ts, c->n_local_ts, lts, sizeof(lts));
	ts_format_list(c->remote_ts, c->n_remote_ts, rts, sizeof(rts));
	ike_log(c->ike, LOG_INFO,
		"  CHILD_SA %08x_i %08x_o (%s) %s %s === %s in %" PRIu64
		" bytes/%" PRIu64 " packets, out %" PRIu64 " bytes/%" PRIu64
		" packets",
		c->spi_in, c->spi_out, child_cfg(c)->name, alg, lts, rts,
		c->in.bytes,
		c->in.packets, c->out.bytes, c->out.packets);
}

void ike_engine_log_status(struct ike_engine *eng)
{
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		char alg[96], remote[64];
		negotiated_format(&sa->alg, false, alg, sizeof(alg));
		sockaddr_format(&sa->remote, remote, sizeof(remote));
		ike_log(sa, LOG_INFO, "IKE SA %s, %s, peer %s%s, %s",
			ike_state_name(sa->state),
			sa->initiator ? "initiator" : "responder", remote,
			sa->natt ? " (UDP encapsulation)" : "", alg);
		for (const struct child_sa *c = sa->children; c; c = c->next)
			log_child(c);
	}
	for (int i = 0; i < ESP_DROP_COUNT; i++)
		if (eng->esp_stats.drops[i])
			log_info("esp", "dropped %" PRIu64 " packets: %s",
				 eng->esp_stats.drops[i],
				 esp_drop_name((enum esp_drop)i));
	for (int i = 0; i < IKE_DROP_COUNT; i++)
		if (eng->ike_drops[i])
			log_info("ike", "dropped %" PRIu64 " messages: %s",
				 eng->ike_drops[i],
				 ike_drop_name((enum ike_drop)i));
}

void ike_engine_register_handlers(void)
{
	sa_init_register();
	natt_register();
	ike_auth_register();
	informational_register();
	create_child_register();
}

static bool conn_held(const struct ike_engine *eng,
		      const struct cfg_conn *conn)
{
	for (size_t i = 0; i < eng->n_held; i++)
		if (eng->held[i] == conn)
			return true;
	return false;
}

bool ike_engine_conn_trapped(const struct ike_engine *eng,
			     const struct cfg_conn *conn)
{
	return conn->start_action == START_ACTION_TRAP || conn_held(eng, conn);
}

bool ike_engine_child_trapped(const struct ike_engine *eng,
			      const struct cfg_conn *conn, size_t index)
{
	return config_child_trapped(conn, index) || conn_held(eng, conn);
}

int ike_engine_trigger(struct ike_engine *eng, struct cfg_conn *conn,
		       size_t index)
{
	uint32_t bit = 1u << index;
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		if (sa->conn != conn || sa->state == IKE_STATE_DEAD ||
		    sa->state == IKE_STATE_DELETING || sa->rekeyed_to)
			continue;
		if (rekey_want_children(eng, sa, bit) < 0)
			return -EALREADY;
		log_info("ike", "%s: traffic for child %s, creating it",
			 conn->name, conn->children[index].name);
		return 0;
	}
	log_info("ike", "%s: traffic for child %s, initiating", conn->name,
		 conn->children[index].name);
	/* A connection held after a failure gets its usual children too. */
	uint32_t mask = bit;
	if (conn->start_action == START_ACTION_INITIATE)
		mask |= config_conn_start_mask(conn);
	return ike_engine_initiate_children(eng, conn, mask);
}

void ike_sa_fail(struct ike_engine *eng, struct ike_sa *sa,
		 const char *reason, enum sa_action action)
{
	struct cfg_conn *conn = sa->conn;

	/* Another SA of the connection lives on (a reauthentication or a
	 * rekey collision replaced this one): nothing to restart. */
	for (struct ike_sa *o = eng->sas; o; o = o->next)
		if (o != sa && o->conn == conn &&
		    o->state == IKE_STATE_ESTABLISHED)
			action = SA_ACTION_NONE;
	if (action == SA_ACTION_HOLD && !ike_engine_conn_trapped(eng, conn) &&
	    eng->n_held < sizeof(eng->held) / sizeof(eng->held[0]))
		eng->held[eng->n_held++] = conn; /* before routes go down */
	ike_sa_kill(eng, sa, reason);
	if (eng->stopping)
		return;
	if (action == SA_ACTION_RESTART) {
		log_info("ike", "%s: restarting after: %s", conn->name, reason);
		/* ike_engine_initiate links the new SA at the head. */
		if (ike_engine_initiate(eng, conn) == 0)
			eng->sas->restarted = true;
	} else if (action == SA_ACTION_HOLD) {
		log_info("ike", "%s: %s; the next packet for the remote "
			 "network restarts it", conn->name, reason);
	}
}
