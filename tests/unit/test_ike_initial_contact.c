// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * INITIAL_CONTACT: an initiator that lost its state (a restart) sets up a
 * new IKE SA, and the responder closes the stale one with its CHILD_SA.
 */
#include "ike_pair.h"

#define A_TS "\"198.51.100.0/24\""
#define B_TS "\"203.0.113.0/24\""
#define PSK "pair test psk"

static void stale_sa_closed(void **state)
{
	struct pair_conf a = { "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes256gcm16\"", A_TS, B_TS, NULL, PSK };
	struct pair_conf b = { "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes256gcm16\"", B_TS, A_TS, NULL, PSK };
	struct ike_pair *p = pair_new(&a, &b);
	struct pair_side *sb = &p->side[PAIR_B];

	pair_initiate(p);
	pair_pump(p);
	uint64_t stale_spi = pair_sa(p, PAIR_B)->spi_r;
	uint32_t stale_child = pair_child(pair_sa(p, PAIR_B))->spi_in;

	/* A starts over as if it had restarted. */
	pair_initiate(p);
	pair_pump(p);

	struct ike_sa *now = pair_sa(p, PAIR_B);
	assert_int_not_equal(now->spi_r, stale_spi);
	assert_int_equal(now->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(p->side[PAIR_A].eng.sas->spi_i, now->spi_i);
	assert_int_equal(sb->n_down, 1);
	assert_int_equal(sb->down_spis[0], stale_child);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stale_sa_closed),
	};
	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
