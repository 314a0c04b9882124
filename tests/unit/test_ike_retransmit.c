// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Retransmission of IKE_SA_INIT when the responder's messages are lost:
 * the same bytes go out again after 1 s, 2 s, 4 s, ... and the initiator
 * abandons the SA after retransmit_tries or retransmit_giveup, whichever
 * comes first.  A lost IKE_AUTH response is recovered by retransmission.
 * The timers run on synthetic times.
 */
#include "ike_pair.h"

#define TS_A       "\"198.51.100.0/24\""
#define TS_B       "\"203.0.113.0/24\""
#define IKE        "\"aes256gcm16-prfsha256-x25519\""
#define ESP        "\"aes256gcm16\""
#define PSK        "pair test psk"
#define STEP_MS    100
#define HORIZON_MS 40000

struct retransmit_case {
	const char *settings;
	uint64_t first_deadline; /* ms after the first send */
	uint64_t sends[8];       /* ms after the first send */
	size_t n_sends;
	uint64_t abandoned; /* ms after the first send */
};

static const struct retransmit_case cases[] = {
        {"retransmit_timeout = 1.0; retransmit_tries = 3;"
         " retransmit_giveup = 60.0;",
         1000,
         {0, 1000, 3000, 7000},
         4,
         15000},
        {"retransmit_timeout = 1.0; retransmit_tries = 10;"
         " retransmit_giveup = 5.0;",
         1000,
         {0, 1000, 3000},
         3,
         5000},
        {"retransmit_timeout = 0.5; retransmit_tries = 0;"
         " retransmit_giveup = 60.0;",
         500,
         {0},
         1,
         500},
};

static bool drop_responder(struct ike_pair *p, int sender, struct pair_msg *msg)
{
	(void)p;
	(void)msg;
	return sender != PAIR_B;
}

/* Runs A's timers in small steps and returns the time its SA was freed. */
static uint64_t run_until_abandoned(struct pair_side *a, uint64_t start)
{
	for (uint64_t t = start + STEP_MS; t <= start + HORIZON_MS;
	     t += STEP_MS) {
		ike_engine_run_timers(&a->eng, t);
		a->n_queued = 0;
		if (!a->eng.sas)
			return t;
	}
	fail_msg("SA still present %d ms after the first send", HORIZON_MS);
	return 0;
}

static void check_case(const struct retransmit_case *c)
{
	struct pair_conf conf_a = {IKE, ESP, TS_A, TS_B, c->settings, PSK};
	struct pair_conf conf_b = {IKE, ESP, TS_B, TS_A, NULL, PSK};
	struct ike_pair *p = pair_new(&conf_a, &conf_b);
	struct pair_side *a = &p->side[PAIR_A];
	uint64_t start, abandoned_at;

	p->filter = drop_responder;
	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(p->side[PAIR_B].n_sent, 1);
	assert_int_equal(a->n_sent, 1);
	start = a->history[0].sent_ms;
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_INIT_SENT);

	/* Nothing is due at the first send, and the timeout is next. */
	assert_int_equal(ike_engine_run_timers(&a->eng, start),
	                 start + c->first_deadline);
	assert_int_equal(a->n_sent, 1);

	abandoned_at = run_until_abandoned(a, start);
	assert_int_equal(abandoned_at - start, c->abandoned);
	assert_int_equal(a->n_sent, c->n_sends);
	for (size_t i = 0; i < a->n_sent; i++) {
		assert_int_equal(a->history[i].sent_ms - start, c->sends[i]);
		assert_int_equal(a->history[i].len, a->history[0].len);
		assert_memory_equal(a->history[i].data, a->history[0].data,
		                    a->history[0].len);
	}
	assert_null(a->eng.sas);
	assert_int_equal(a->n_up, 0);
	pair_free(p);
}

static void init_retransmit_and_give_up(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].settings);
		check_case(&cases[i]);
	}
}

/* Drops B's first IKE_AUTH response. */
static bool drop_first_auth_response(struct ike_pair *p, int sender,
                                     struct pair_msg *msg)
{
	bool *dropped = p->filter_data;

	if (sender != PAIR_B || msg->data[18] != IKE_AUTH || *dropped)
		return true;
	*dropped = true;
	return false;
}

static void lost_auth_response_recovered(void **state)
{
	struct pair_conf conf_a = {IKE, ESP, TS_A, TS_B, NULL, PSK};
	struct pair_conf conf_b = {IKE, ESP, TS_B, TS_A, NULL, PSK};
	struct ike_pair *p = pair_new(&conf_a, &conf_b);
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	bool dropped = false;

	(void)state;
	p->filter = drop_first_auth_response;
	p->filter_data = &dropped;
	pair_initiate(p);
	pair_pump(p);
	assert_true(dropped);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_AUTH_SENT);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(a->n_sent, 2);

	ike_engine_run_timers(&a->eng, a->history[1].sent_ms + 1000);
	assert_int_equal(a->n_sent, 3);
	assert_memory_equal(a->history[2].data, a->history[1].data,
	                    a->history[1].len);
	pair_pump(p);

	/* B sent its cached response again instead of a second CHILD_SA. */
	assert_int_equal(b->n_sent, 3);
	assert_int_equal(b->history[2].len, b->history[1].len);
	assert_memory_equal(b->history[2].data, b->history[1].data,
	                    b->history[1].len);
	assert_int_equal(b->n_up, 1);
	assert_int_equal(a->n_up, 1);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_esp(pair_child(pair_sa(p, PAIR_A)),
	                          pair_child(pair_sa(p, PAIR_B)),
	                          "198.51.100.1", "203.0.113.1", NULL),
	                 0);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(init_retransmit_and_give_up),
	        cmocka_unit_test(lost_auth_response_recovered),
	};

	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
