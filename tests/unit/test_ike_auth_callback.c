// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An engine without secrets: the PSK AUTH values come from the auth_psk
 * callback, as they do when a separate process holds the PSKs.
 */
#include "ike_pair.h"

#include <errno.h>

#include "ike/auth.h"

#define A_TS "\"198.51.100.0/24\""
#define B_TS "\"203.0.113.0/24\""
#define PSK "pair test psk"

static const struct secrets *keeper_secrets;
static unsigned calls, own_calls;

static int keeper_auth(void *io, const struct ike_sa *sa, bool own,
		       const uint8_t *octets, size_t len, uint8_t *out)
{
	/* The SA is past IKE_SA_INIT, so both SPIs are known. */
	assert_true(sa->spi_i != 0 && sa->spi_r != 0);
	calls++;
	own_calls += own;
	return auth_psk_lookup(keeper_secrets, sa->conn, sa->alg.prf, octets,
	                       len, out);
}

static void responder_without_secrets(void **state)
{
	struct pair_conf a = { "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes256gcm16\"", A_TS, B_TS, NULL, PSK };
	struct pair_conf b = a;
	b.local_ts = B_TS;
	b.remote_ts = A_TS;
	struct ike_pair *p = pair_new(&a, &b);
	struct pair_side *sb = &p->side[PAIR_B];
	struct ike_engine_ops ops = pair_ops;

	ops.auth_psk = keeper_auth;
	sb->eng.ops = &ops;
	keeper_secrets = sb->eng.secrets;
	sb->eng.secrets = NULL;
	calls = 0;
	own_calls = 0;

	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	/* One value to verify A's AUTH, one for B's own. */
	assert_int_equal(calls, 2);
	assert_int_equal(own_calls, 1);
	sb->eng.secrets = keeper_secrets;
	pair_free(p);
}

static int no_psk(void *io, const struct ike_sa *sa, bool own,
		  const uint8_t *octets, size_t len, uint8_t *out)
{
	return -ENOENT;
}

static void missing_psk_fails_auth(void **state)
{
	struct pair_conf a = { "\"aes256gcm16-prfsha256-x25519\"",
			       "\"aes256gcm16\"", A_TS, B_TS, NULL, PSK };
	struct pair_conf b = a;
	b.local_ts = B_TS;
	b.remote_ts = A_TS;
	struct ike_pair *p = pair_new(&a, &b);
	struct ike_engine_ops ops = pair_ops;

	ops.auth_psk = no_psk;
	p->side[PAIR_B].eng.ops = &ops;
	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(pair_count_sas(p, PAIR_A), 0);
	assert_int_equal(pair_count_sas(p, PAIR_B), 0);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(responder_without_secrets),
		cmocka_unit_test(missing_psk_fails_auth),
	};
	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
