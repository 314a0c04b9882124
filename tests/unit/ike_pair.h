/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Two IKE engines in one process: gateway A (192.0.2.1, the initiator) and
 * gateway B (192.0.2.2, the responder).  Each engine's send callback queues
 * the datagram and keeps a copy in a history.  pair_pump() delivers the
 * queues to the other engine until both are empty, and a filter may drop
 * or change a message in flight.  The functions are static inline so that
 * each test program includes this header and uses what it needs.
 */
#ifndef CREST_TEST_IKE_PAIR_H
#define CREST_TEST_IKE_PAIR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/secrets.h"
#include "esp/esp.h"
#include "ike/engine.h"
#include "ike/handler.h"
#include "ike/sa.h"
#include "ike/sk.h"
#include "util/buf.h"
#include "wire/ike.h"
#include "wire/ts.h"

#define PAIR_A            0
#define PAIR_B            1
#define PAIR_QUEUE_MAX    8
#define PAIR_HISTORY_MAX  32
#define PAIR_MAX_CHILDREN 8
#define PAIR_MAX_ROUNDS   32

/* The settings of one gateway's connection, as libconfig text. */
struct pair_conf {
	const char *ike;       /* body of ike_proposals, quoted strings */
	const char *esp;       /* body of esp_proposals */
	const char *local_ts;  /* body of local_ts */
	const char *remote_ts; /* body of remote_ts */
	const char *extra;     /* more connection settings, or NULL */
	const char *psk;       /* the secret as written in the secrets file */
};

struct pair_msg {
	uint8_t data[IKE_MAX_MESSAGE];
	size_t len;
	struct sockaddr_storage src; /* the sender's local address */
	struct sockaddr_storage dst;
	bool natt;
	uint64_t sent_ms; /* the sender's eng->now_ms at send time */
};

struct ike_pair;

struct pair_side {
	struct ike_pair *pair;
	struct cfg cfg;
	struct secrets secrets;
	struct ike_engine eng;

	struct pair_msg queue[PAIR_QUEUE_MAX];
	size_t n_queued;
	struct pair_msg history[PAIR_HISTORY_MAX];
	size_t n_sent;

	uint32_t up_spis[PAIR_MAX_CHILDREN]; /* spi_in of child_up calls */
	size_t n_up;
	uint32_t down_spis[PAIR_MAX_CHILDREN];
	size_t n_down;
};

struct ike_pair {
	struct pair_side side[2];
	/* Runs before each delivery; returns false to drop the message. */
	bool (*filter)(struct ike_pair *p, int sender, struct pair_msg *msg);
	void *filter_data;
};

static inline int pair_send(void *io, const struct sockaddr_storage *local,
                            const struct sockaddr_storage *remote, bool natt,
                            const uint8_t *msg, size_t len)
{
	struct pair_side *s = io;
	struct pair_msg *m;

	assert_true(len <= IKE_MAX_MESSAGE);
	assert_true(s->n_queued < PAIR_QUEUE_MAX);
	assert_true(s->n_sent < PAIR_HISTORY_MAX);

	m = &s->queue[s->n_queued++];
	memcpy(m->data, msg, len);
	m->len = len;
	m->src = *local;
	m->dst = *remote;
	m->natt = natt;
	m->sent_ms = s->eng.now_ms;
	s->history[s->n_sent++] = *m;
	return 0;
}

static inline void pair_keepalive(void *io, const struct ike_sa *sa)
{
	(void)io;
	(void)sa;
}

static inline void pair_child_up(void *io, struct child_sa *child)
{
	struct pair_side *s = io;

	assert_true(s->n_up < PAIR_MAX_CHILDREN);
	s->up_spis[s->n_up++] = child->spi_in;
}

static inline void pair_child_down(void *io, struct child_sa *child)
{
	struct pair_side *s = io;

	assert_true(s->n_down < PAIR_MAX_CHILDREN);
	s->down_spis[s->n_down++] = child->spi_in;
}

static const struct ike_engine_ops pair_ops = {
        .send = pair_send,
        .keepalive = pair_keepalive,
        .child_up = pair_child_up,
        .child_down = pair_child_down,
};

static inline void pair_load_side(struct pair_side *s, bool is_a,
                                  const struct pair_conf *c)
{
	const char *local = is_a ? "192.0.2.1" : "192.0.2.2";
	const char *remote = is_a ? "192.0.2.2" : "192.0.2.1";
	const struct cfg_conn *conn;
	char text[4096], err[512];
	int n;

	n = snprintf(text, sizeof(text),
	             "secrets = \"pair.secrets\";\n"
	             "realms = ( { name = \"site\"; tun = \"crest0\";\n"
	             "  connections = ( { name = \"%s\";\n"
	             "    local = \"%s\"; remote = \"%s\"; auth = \"psk\";\n"
	             "    ike_proposals = [ %s ]; esp_proposals = [ %s ];\n"
	             "    local_ts = [ %s ]; remote_ts = [ %s ];\n"
	             "    %s } ); } );\n",
	             is_a ? "to-b" : "to-a", local, remote, c->ike, c->esp,
	             c->local_ts, c->remote_ts, c->extra ? c->extra : "");
	assert_true(n > 0 && (size_t)n < sizeof(text));
	if (config_load_string(text, is_a ? "a.conf" : "b.conf", &s->cfg, err,
	                       sizeof(err)) != 0)
		fail_msg("configuration rejected: %s", err);

	/* The PSK belongs to the connection's identities, which the extra
	 * settings may set. */
	conn = &s->cfg.realms[0].conns[0];
	n = snprintf(text, sizeof(text),
	             "psk = ( { local = \"%s\"; remote = \"%s\";"
	             " secret = \"%s\"; } );\n",
	             conn->local_id.text, conn->remote_id.text, c->psk);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	if (secrets_load_string(text, is_a ? "a.secrets" : "b.secrets",
	                        &s->secrets, err, sizeof(err)) != 0)
		fail_msg("secrets rejected: %s", err);
}

/* Sets up both engines; register the handlers first (pair_setup_group). */
static inline struct ike_pair *pair_new(const struct pair_conf *a,
                                        const struct pair_conf *b)
{
	struct ike_pair *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	for (int i = 0; i < 2; i++) {
		struct pair_side *s = &p->side[i];

		s->pair = p;
		pair_load_side(s, i == PAIR_A, i == PAIR_A ? a : b);
		ike_engine_init(&s->eng, &s->cfg, &s->secrets, &pair_ops, s);
	}
	return p;
}

static inline void pair_free(struct ike_pair *p)
{
	for (int i = 0; i < 2; i++) {
		struct pair_side *s = &p->side[i];

		s->n_queued = 0;
		s->n_sent = 0;
		ike_engine_shutdown(&s->eng);
		config_free(&s->cfg);
		secrets_free(&s->secrets);
	}
	free(p);
}

/* cmocka group setup: the handler table is global to the process. */
static inline int pair_setup_group(void **state)
{
	(void)state;
	ike_handlers_reset();
	ike_engine_register_handlers();
	return 0;
}

static inline struct cfg_conn *pair_conn(struct ike_pair *p, int side)
{
	return &p->side[side].cfg.realms[0].conns[0];
}

static inline void pair_initiate(struct ike_pair *p)
{
	struct pair_side *a = &p->side[PAIR_A];

	assert_int_equal(ike_engine_initiate(&a->eng, pair_conn(p, PAIR_A)), 0);
}

/* Delivers a copy of msg, as sent by `sender`, to the other engine. */
static inline void pair_deliver(struct ike_pair *p, int sender,
                                const struct pair_msg *msg)
{
	static uint8_t copy[IKE_MAX_MESSAGE];
	struct pair_side *to = &p->side[!sender];

	memcpy(copy, msg->data, msg->len);
	ike_engine_input(&to->eng, copy, msg->len, &msg->src, &msg->dst,
	                 msg->natt);
}

/* Takes the oldest queued message of `sender` through the filter to the
 * other engine.  Returns false if the queue was empty. */
static inline bool pair_step(struct ike_pair *p, int sender)
{
	struct pair_side *s = &p->side[sender];
	struct pair_msg *msg;

	if (s->n_queued == 0)
		return false;
	msg = malloc(sizeof(*msg));
	assert_non_null(msg);
	*msg = s->queue[0];
	s->n_queued--;
	memmove(&s->queue[0], &s->queue[1], s->n_queued * sizeof(s->queue[0]));
	if (!p->filter || p->filter(p, sender, msg))
		pair_deliver(p, sender, msg);
	free(msg);
	return true;
}

/* Delivers messages both ways until both queues are empty. */
static inline void pair_pump(struct ike_pair *p)
{
	for (int round = 0; round < PAIR_MAX_ROUNDS; round++) {
		bool moved = pair_step(p, PAIR_A);

		moved |= pair_step(p, PAIR_B);
		if (!moved)
			return;
	}
	fail_msg("messages still queued after %d rounds", PAIR_MAX_ROUNDS);
}

static inline size_t pair_count_sas(struct ike_pair *p, int side)
{
	size_t n = 0;

	for (struct ike_sa *sa = p->side[side].eng.sas; sa; sa = sa->next)
		n++;
	return n;
}

/* The only IKE SA of a side; fails the test if there is not exactly one. */
static inline struct ike_sa *pair_sa(struct ike_pair *p, int side)
{
	assert_int_equal(pair_count_sas(p, side), 1);
	return p->side[side].eng.sas;
}

static inline size_t pair_count_children(const struct ike_sa *sa)
{
	size_t n = 0;

	for (const struct child_sa *c = sa->children; c; c = c->next)
		n++;
	return n;
}

/* The only CHILD_SA of an IKE SA, checked to be installed. */
static inline struct child_sa *pair_child(const struct ike_sa *sa)
{
	assert_int_equal(pair_count_children(sa), 1);
	assert_true(sa->children->installed);
	return sa->children;
}

/*
 * Parses a copy of msg into buf and *m.  Unless it is IKE_SA_INIT, it is
 * decrypted with the keys of `receiver`'s only IKE SA.
 */
static inline void pair_open(struct ike_pair *p, int receiver,
                             const struct pair_msg *msg, uint8_t *buf,
                             struct ike_message *m)
{
	memcpy(buf, msg->data, msg->len);
	assert_int_equal(ike_parse_message(buf, msg->len, m), 0);
	if (m->hdr.exchange == IKE_SA_INIT)
		return;
	assert_int_equal(sk_open(pair_sa(p, receiver)->sk_in, buf, msg->len, m),
	                 0);
}

static inline bool pair_has_notify(const struct ike_message *m, uint16_t type)
{
	struct ike_notify n;

	return ike_find_notify(m, type, &n) != NULL;
}

/* Writes a 64-byte IPv4/UDP packet from src to dst; returns its length. */
static inline size_t pair_ipv4_packet(uint8_t *pkt, const char *src,
                                      const char *dst)
{
	const size_t len = 64;

	memset(pkt, 0, len);
	pkt[0] = 0x45;
	put_be16(pkt + 2, (uint16_t)len);
	pkt[8] = 64;
	pkt[9] = 17;
	assert_int_equal(inet_pton(AF_INET, src, pkt + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, pkt + 16), 1);
	put_be16(pkt + 20, 40000);
	put_be16(pkt + 22, 9);
	put_be16(pkt + 24, (uint16_t)(len - 20));
	for (size_t i = 28; i < len; i++)
		pkt[i] = (uint8_t)i;
	return len;
}

/*
 * Encapsulates an IPv4 packet with `from`'s outbound SA and decapsulates
 * it with `to`'s inbound SA.  Returns esp_decap's result; on success the
 * inner packet must come out unchanged.
 */
static inline int pair_esp(struct child_sa *from, struct child_sa *to,
                           const char *src, const char *dst,
                           enum esp_drop *reason)
{
	uint8_t inner[64], wire[256];
	const uint8_t *out;
	size_t inner_len = pair_ipv4_packet(inner, src, dst);
	size_t wire_len, out_len;
	uint8_t next_header;
	int err;

	assert_int_equal(esp_encap(&from->out, inner, inner_len, 4, wire,
	                           sizeof(wire), &wire_len),
	                 0);
	err = esp_decap(&to->in, wire, wire_len, &out, &out_len, &next_header,
	                reason);
	if (err == 0) {
		assert_int_equal(next_header, 4);
		assert_int_equal(out_len, inner_len);
		assert_memory_equal(out, inner, inner_len);
	}
	return err;
}

/* Checks that a selector is exactly the IPv4 prefix given as text. */
static inline void pair_assert_ts(const struct traffic_selector *ts,
                                  const char *addr, unsigned prefix)
{
	uint8_t want[4], got[16];
	unsigned got_prefix;
	int family;

	assert_int_equal(inet_pton(AF_INET, addr, want), 1);
	assert_true(ts_to_prefix(ts, &family, got, &got_prefix));
	assert_int_equal(family, AF_INET);
	assert_memory_equal(got, want, 4);
	assert_int_equal(got_prefix, prefix);
}

#endif
