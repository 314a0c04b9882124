// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A responder that accepts only the initiator's second proposal: its
 * answer carries proposal number 2, and the initiator takes it.
 */
#include "ike_pair.h"

#define A_TS "\"198.51.100.0/24\""
#define B_TS "\"203.0.113.0/24\""
#define PSK "pair test psk"

static void second_proposal_accepted(void **state)
{
	struct pair_conf a = { "\"aes128gcm16-prfsha256-x25519\", "
			       "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes128gcm16\", \"aes256gcm16\"",
			       A_TS, B_TS, NULL, PSK };
	struct pair_conf b = { "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes256gcm16\"", B_TS, A_TS, NULL, PSK };
	struct ike_pair *p = pair_new(&a, &b);

	pair_initiate(p);
	pair_pump(p);
	struct ike_sa *sa = pair_sa(p, PAIR_A);
	assert_int_equal(sa->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(sa->alg.key_bits, 256);
	struct child_sa *c = pair_child(sa);
	assert_int_equal(c->alg.encr, ENCR_AES_GCM_16);
	assert_int_equal(c->alg.key_bits, 256);
	assert_int_equal(pair_child(pair_sa(p, PAIR_B))->spi_out, c->spi_in);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(second_proposal_accepted),
	};
	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
