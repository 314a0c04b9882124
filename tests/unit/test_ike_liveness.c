// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Liveness checks and the actions that follow a dead or closing peer:
 * restart at once, hold until traffic, or clear.
 */
#include "ike_pair.h"

#include <errno.h>

#include "util/timeutil.h"

#define A_TS "\"198.51.100.0/24\""
#define B_TS "\"203.0.113.0/24\""
#define PSK "pair test psk"
#define FAST "retransmit_timeout = 0.2; retransmit_tries = 1; " \
	     "retransmit_giveup = 1; dpd_delay = 1; "

static struct ike_pair *up(const char *extra_a)
{
	struct pair_conf a = { "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes256gcm16\"", A_TS, B_TS, extra_a, PSK };
	struct pair_conf b = { "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes256gcm16\"", B_TS, A_TS, NULL, PSK };
	struct ike_pair *p = pair_new(&a, &b);
	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	return p;
}

static bool drop_all(struct ike_pair *p, int sender, struct pair_msg *msg)
{
	return false;
}

/* The exchange type of a message a side sent, by its history index. */
static uint8_t sent_exchange(struct ike_pair *p, int side, size_t i)
{
	struct ike_header h;
	const struct pair_msg *m = &p->side[side].history[i];
	assert_int_equal(ike_parse_header(m->data, m->len, &h), 0);
	return h.exchange;
}

static void quiet_peer_gets_checked(void **state)
{
	struct ike_pair *p = up(FAST);
	struct pair_side *a = &p->side[PAIR_A];
	size_t sent = a->n_sent;

	ike_engine_run_timers(&a->eng, now_ms() + 500);
	assert_int_equal(a->n_sent, sent);
	ike_engine_run_timers(&a->eng, now_ms() + 1100);
	assert_int_equal(a->n_sent, sent + 1);
	assert_int_equal(sent_exchange(p, PAIR_A, sent), INFORMATIONAL);
	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	pair_free(p);
}

/* Drops the peer's responses until A gives up on its liveness check. */
static void peer_dies(struct ike_pair *p)
{
	struct pair_side *a = &p->side[PAIR_A];
	uint64_t t = now_ms();
	p->filter = drop_all;
	ike_engine_run_timers(&a->eng, t + 1100);
	pair_pump(p);
	for (int i = 2; i < 14; i++) {
		ike_engine_run_timers(&a->eng, t + 1100 + i * 300);
		pair_pump(p);
	}
}

static void dead_peer_restart(void **state)
{
	struct ike_pair *p = up(FAST "dpd_action = \"restart\";");
	struct pair_side *a = &p->side[PAIR_A];
	size_t before = a->n_sent;

	peer_dies(p);
	/* After the unanswered checks, A sent a new IKE_SA_INIT, and when
	 * that went unanswered too, it started over again. */
	size_t inits = 0;
	for (size_t i = before; i < a->n_sent; i++)
		inits += sent_exchange(p, PAIR_A, i) == IKE_SA_INIT &&
			 (i == before ||
			  sent_exchange(p, PAIR_A, i - 1) != IKE_SA_INIT ||
			  memcmp(a->history[i].data, a->history[i - 1].data,
				 16) != 0);
	assert_true(inits >= 2);
	assert_int_equal(sent_exchange(p, PAIR_A, before), INFORMATIONAL);
	assert_int_equal(a->n_down, 1);
	pair_free(p);
}

static void dead_peer_hold(void **state)
{
	struct ike_pair *p = up(FAST "dpd_action = \"hold\";");
	struct pair_side *a = &p->side[PAIR_A];

	peer_dies(p);
	assert_null(a->eng.sas);
	assert_true(ike_engine_conn_trapped(&a->eng, pair_conn(p, PAIR_A)));
	/* Traffic restarts it, once. */
	assert_int_equal(ike_engine_trigger(&a->eng, pair_conn(p, PAIR_A), 0), 0);
	assert_int_equal(ike_engine_trigger(&a->eng, pair_conn(p, PAIR_A), 0),
			 -EALREADY);
	pair_free(p);
}

static void dead_peer_clear(void **state)
{
	struct ike_pair *p = up(FAST "dpd_action = \"clear\";");
	struct pair_side *a = &p->side[PAIR_A];
	size_t before = a->n_sent;

	peer_dies(p);
	assert_null(a->eng.sas);
	for (size_t i = before; i < a->n_sent; i++)
		assert_int_not_equal(sent_exchange(p, PAIR_A, i), IKE_SA_INIT);
	assert_false(ike_engine_conn_trapped(&a->eng, pair_conn(p, PAIR_A)));
	pair_free(p);
}

static void peer_delete_close_action(void **state)
{
	struct ike_pair *p = up("close_action = \"restart\";");
	struct pair_side *b = &p->side[PAIR_B];

	assert_int_equal(ike_sa_delete(&b->eng, pair_sa(p, PAIR_B)), 0);
	pair_pump(p);
	/* A set the tunnel up again after B's Delete. */
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet_peer_gets_checked),
		cmocka_unit_test(dead_peer_restart),
		cmocka_unit_test(dead_peer_hold),
		cmocka_unit_test(dead_peer_clear),
		cmocka_unit_test(peer_delete_close_action),
	};
	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
