// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Two IKE engines in memory, traffic selectors: the responder narrows the
 * initiator's selectors, ESP enforces the narrowed ones, and selectors
 * without overlap leave the IKE SA up with no CHILD_SA.
 */
#include <errno.h>

#include "ike_pair.h"

#define IKE "\"aes256gcm16-prfsha256-x25519\""
#define ESP "\"aes256gcm16\""
#define PSK "pair test psk"

static uint8_t open_buf[IKE_MAX_MESSAGE];

static struct ike_pair *make_pair(const char *a_remote_ts,
                                  const char *b_local_ts)
{
	struct pair_conf a = {IKE,         ESP,  "\"198.51.100.0/24\"",
	                      a_remote_ts, NULL, PSK};
	struct pair_conf b = {IKE,  ESP, b_local_ts, "\"198.51.100.0/24\"",
	                      NULL, PSK};

	return pair_new(&a, &b);
}

static void responder_narrows_selectors(void **state)
{
	struct ike_pair *p =
	        make_pair("\"203.0.113.0/24\"", "\"203.0.113.0/25\"");
	struct child_sa *ca, *cb;
	enum esp_drop reason = ESP_DROP_COUNT;

	(void)state;
	pair_initiate(p);
	pair_pump(p);
	ca = pair_child(pair_sa(p, PAIR_A));
	cb = pair_child(pair_sa(p, PAIR_B));

	assert_int_equal(ca->n_local_ts, 1);
	assert_int_equal(ca->n_remote_ts, 1);
	pair_assert_ts(&ca->local_ts[0], "198.51.100.0", 24);
	pair_assert_ts(&ca->remote_ts[0], "203.0.113.0", 25);
	assert_int_equal(cb->n_local_ts, 1);
	assert_int_equal(cb->n_remote_ts, 1);
	pair_assert_ts(&cb->local_ts[0], "203.0.113.0", 25);
	pair_assert_ts(&cb->remote_ts[0], "198.51.100.0", 24);

	/* A to B: the destination must lie in 203.0.113.0/25. */
	assert_int_equal(pair_esp(ca, cb, "198.51.100.1", "203.0.113.5", NULL),
	                 0);
	assert_int_equal(
	        pair_esp(ca, cb, "198.51.100.1", "203.0.113.200", &reason),
	        -EBADMSG);
	assert_int_equal(reason, ESP_DROP_POLICY);
	assert_int_equal(p->side[PAIR_B].eng.esp_stats.drops[ESP_DROP_POLICY],
	                 1);

	/* B to A: the source must lie in 203.0.113.0/25. */
	reason = ESP_DROP_COUNT;
	assert_int_equal(pair_esp(cb, ca, "203.0.113.5", "198.51.100.1", NULL),
	                 0);
	assert_int_equal(
	        pair_esp(cb, ca, "203.0.113.200", "198.51.100.1", &reason),
	        -EBADMSG);
	assert_int_equal(reason, ESP_DROP_POLICY);
	assert_int_equal(p->side[PAIR_A].eng.esp_stats.drops[ESP_DROP_POLICY],
	                 1);
	pair_free(p);
}

static void disjoint_selectors_no_child(void **state)
{
	struct ike_pair *p =
	        make_pair("\"203.0.113.0/25\"", "\"203.0.113.128/25\"");
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	struct ike_message m;
	struct ike_notify n;

	(void)state;
	pair_initiate(p);
	assert_true(pair_step(p, PAIR_A));
	assert_true(pair_step(p, PAIR_B));
	assert_true(pair_step(p, PAIR_A));

	assert_int_equal(b->n_queued, 1);
	pair_open(p, PAIR_A, &b->queue[0], open_buf, &m);
	assert_int_equal(m.hdr.exchange, IKE_AUTH);
	assert_int_equal(ike_first_error(&m, &n), N_TS_UNACCEPTABLE);
	assert_non_null(ike_find(&m, PL_AUTH));
	assert_null(ike_find(&m, PL_SA));
	assert_null(ike_find(&m, PL_TSI));
	assert_null(ike_find(&m, PL_TSR));

	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 0);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 0);
	assert_int_equal(a->n_up, 0);
	assert_int_equal(b->n_up, 0);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(responder_narrows_selectors),
	        cmocka_unit_test(disjoint_selectors_no_child),
	};

	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
