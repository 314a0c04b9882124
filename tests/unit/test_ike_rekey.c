// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CREATE_CHILD_SA between two in-process engines: CHILD_SA rekeys with and
 * without PFS, an IKE SA rekey, a simultaneous CHILD_SA rekey, and a rekey
 * started by the soft lifetime.
 */
#include "ike_pair.h"

#include "ike/rekey.h"
#include "util/timeutil.h"

#define A_TS "\"198.51.100.0/24\""
#define B_TS "\"203.0.113.0/24\""
#define PSK "pair test psk"
#define IKE "\"aes256gcm16-prfsha256-x25519\""

static struct ike_pair *up(const char *esp_a, const char *esp_b,
			   const char *extra)
{
	struct pair_conf a = { IKE, esp_a, A_TS, B_TS, extra, PSK };
	struct pair_conf b = { IKE, esp_b, B_TS, A_TS, extra, PSK };
	struct ike_pair *p = pair_new(&a, &b);
	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	return p;
}

/* The one CHILD_SA that carries traffic out, skipping replaced ones. */
static struct child_sa *current_child(struct ike_sa *sa)
{
	struct child_sa *found = NULL;
	for (struct child_sa *c = sa->children; c; c = c->next) {
		if (c->replaced || !c->installed)
			continue;
		assert_null(found);
		found = c;
	}
	assert_non_null(found);
	return found;
}

/* Runs both sides' timers past the grace period of replaced SAs. */
static void retire(struct ike_pair *p)
{
	uint64_t later = now_ms() + REKEY_GRACE_MS + 100;
	ike_engine_run_timers(&p->side[PAIR_A].eng, later);
	ike_engine_run_timers(&p->side[PAIR_B].eng, later);
	pair_pump(p);
}

static void assert_paired(struct ike_pair *p)
{
	struct child_sa *a = pair_child(pair_sa(p, PAIR_A));
	struct child_sa *b = pair_child(pair_sa(p, PAIR_B));
	enum esp_drop reason;
	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_equal(a->spi_out, b->spi_in);
	assert_int_equal(pair_esp(a, b, "198.51.100.1", "203.0.113.1",
				  &reason),
			 0);
	assert_int_equal(pair_esp(b, a, "203.0.113.1", "198.51.100.1",
				  &reason),
			 0);
}

static void child_rekey(const char *esp, uint16_t want_dh)
{
	struct ike_pair *p = up(esp, esp, NULL);
	struct ike_sa *sa_a = pair_sa(p, PAIR_A);
	struct child_sa *old = pair_child(sa_a);
	uint32_t old_in = old->spi_in, old_out = old->spi_out;

	assert_int_equal(rekey_start_child(&p->side[PAIR_A].eng, sa_a, old),
			 0);
	pair_pump(p);

	/* A keeps the old inbound SA for the grace period only. */
	struct child_sa *now = current_child(sa_a);
	assert_int_not_equal(now->spi_in, old_in);
	assert_int_equal(pair_count_children(sa_a), 2);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_int_equal(now->alg.dh, want_dh);
	retire(p);
	assert_paired(p);
	struct child_sa *b = pair_child(pair_sa(p, PAIR_B));
	assert_int_not_equal(b->spi_in, old_out);
	pair_free(p);
}

static void child_rekey_without_pfs(void **state)
{
	child_rekey("\"aes256gcm16\"", DH_NONE);
}

static void child_rekey_with_pfs(void **state)
{
	child_rekey("\"aes128-sha256-ecp256\"", DH_ECP256);
}

static void pfs_group_retry(void **state)
{
	/* A's first PFS group is x25519. B accepts only ecp256 and requests it with INVALID_KE_PAYLOAD. */
	struct ike_pair *p = up("\"aes256gcm16-x25519-ecp256\"",
				"\"aes256gcm16-ecp256\"", NULL);
	struct ike_sa *sa_a = pair_sa(p, PAIR_A);
	assert_int_equal(rekey_start_child(&p->side[PAIR_A].eng, sa_a,
					   pair_child(sa_a)),
			 0);
	pair_pump(p);
	retire(p);
	assert_paired(p);
	assert_int_equal(pair_child(pair_sa(p, PAIR_A))->alg.dh, DH_ECP256);
	pair_free(p);
}

static void ike_rekey_moves_children(void **state)
{
	struct ike_pair *p = up("\"aes256gcm16\"", "\"aes256gcm16\"", NULL);
	struct ike_sa *old = pair_sa(p, PAIR_A);
	uint64_t old_spi_i = old->spi_i;
	uint32_t child_spi = pair_child(old)->spi_in;

	assert_int_equal(rekey_start_ike(&p->side[PAIR_A].eng, old), 0);
	pair_pump(p);

	/* The old IKE SA is deleted on both sides; the child moved. */
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);
	assert_int_not_equal(a->spi_i, old_spi_i);
	assert_int_equal(a->spi_i, b->spi_i);
	assert_int_equal(a->spi_r, b->spi_r);
	assert_int_equal(pair_child(a)->spi_in, child_spi);
	assert_ptr_equal(pair_child(a)->ike, a);
	assert_paired(p);

	/* The new IKE SA's keys work: a CHILD_SA rekey runs over it. */
	assert_int_equal(rekey_start_child(&p->side[PAIR_A].eng, a,
					   pair_child(a)),
			 0);
	pair_pump(p);
	retire(p);
	assert_paired(p);
	pair_free(p);
}

static void simultaneous_child_rekey(void **state)
{
	struct ike_pair *p = up("\"aes256gcm16\"", "\"aes256gcm16\"", NULL);
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);

	assert_int_equal(rekey_start_child(&p->side[PAIR_A].eng, a,
					   pair_child(a)),
			 0);
	assert_int_equal(rekey_start_child(&p->side[PAIR_B].eng, b,
					   pair_child(b)),
			 0);
	pair_pump(p);
	retire(p);

	/* Each side saw the collision and one CHILD_SA pair is left. */
	assert_int_equal(a->collisions, 1);
	assert_int_equal(b->collisions, 1);
	assert_paired(p);
	pair_free(p);
}

static void simultaneous_ike_rekey(void **state)
{
	struct ike_pair *p = up("\"aes256gcm16\"", "\"aes256gcm16\"", NULL);
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);
	uint64_t old_spi = a->spi_i;

	assert_int_equal(rekey_start_ike(&p->side[PAIR_A].eng, a), 0);
	assert_int_equal(rekey_start_ike(&p->side[PAIR_B].eng, b), 0);
	pair_pump(p);

	/* One IKE SA is left on each side, the same one, holding the
	 * CHILD_SA, and both sides saw the collision. */
	a = pair_sa(p, PAIR_A);
	b = pair_sa(p, PAIR_B);
	assert_int_not_equal(a->spi_i, old_spi);
	assert_int_equal(a->spi_i, b->spi_i);
	assert_int_equal(a->spi_r, b->spi_r);
	assert_int_equal(a->collisions, 1);
	assert_int_equal(b->collisions, 1);
	assert_paired(p);

	/* The survivor works: rekey a CHILD_SA over it. */
	assert_int_equal(rekey_start_child(&p->side[PAIR_B].eng, b,
					   pair_child(b)),
			 0);
	pair_pump(p);
	retire(p);
	assert_paired(p);
	pair_free(p);
}

static void reauth_makes_before_break(void **state)
{
	struct ike_pair *p = up("\"aes256gcm16\"", "\"aes256gcm16\"",
				"reauth_time = 5; rand_time = 0;");
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	uint64_t old_spi = pair_sa(p, PAIR_A)->spi_i;
	size_t sent = a->n_sent;

	ike_engine_run_timers(&a->eng, now_ms() + 5100);
	assert_int_equal(a->n_sent, sent + 1);

	/* The new SA comes up before the old one is deleted, so B has two
	 * established SAs for a moment: the new IKE_AUTH carried no
	 * INITIAL_CONTACT, which would have closed the old one at once. */
	size_t most = 0;
	for (int round = 0; round < 50; round++) {
		bool moved = pair_step(p, PAIR_A);
		moved |= pair_step(p, PAIR_B);
		size_t up_now = 0;
		for (struct ike_sa *s = b->eng.sas; s; s = s->next)
			up_now += s->state == IKE_STATE_ESTABLISHED;
		most = up_now > most ? up_now : most;
		if (!moved)
			break;
	}
	assert_int_equal(most, 2);
	retire(p);
	struct ike_sa *sa = pair_sa(p, PAIR_A);
	assert_int_not_equal(sa->spi_i, old_spi);
	assert_int_equal(sa->spi_i, pair_sa(p, PAIR_B)->spi_i);
	assert_int_equal(b->n_down, 1);
	assert_paired(p);
	pair_free(p);
}

static void sequence_limit_starts_rekey(void **state)
{
	struct ike_pair *p = up("\"aes256gcm16\"", "\"aes256gcm16\"", NULL);
	struct ike_sa *a = pair_sa(p, PAIR_A);
	struct child_sa *c = pair_child(a);
	uint32_t old_in = c->spi_in;

	/* A lowered limit: the SA rekeys well before its numbers run out. */
	c->out.seq_max = ESP_SEQ_REKEY_MARGIN + 1000;
	c->out.seq = 900;
	ike_engine_run_timers(&p->side[PAIR_A].eng, now_ms());
	assert_int_equal(p->side[PAIR_A].n_queued, 0);
	c->out.seq = 1000;
	ike_engine_run_timers(&p->side[PAIR_A].eng, now_ms());
	assert_int_equal(p->side[PAIR_A].n_queued, 1);
	pair_pump(p);
	retire(p);
	assert_int_not_equal(pair_child(a)->spi_in, old_in);
	assert_paired(p);
	pair_free(p);
}

static void soft_lifetime_starts_rekey(void **state)
{
	struct ike_pair *p = up("\"aes256gcm16\"", "\"aes256gcm16\"",
				"rekey_time = 5; rand_time = 0;");
	struct ike_sa *a = pair_sa(p, PAIR_A);
	uint32_t old_in = pair_child(a)->spi_in;

	/* Before the soft lifetime nothing happens. */
	ike_engine_run_timers(&p->side[PAIR_A].eng, now_ms() + 1000);
	assert_int_equal(p->side[PAIR_A].n_queued, 0);

	ike_engine_run_timers(&p->side[PAIR_A].eng, now_ms() + 5100);
	assert_int_equal(p->side[PAIR_A].n_queued, 1);
	pair_pump(p);
	retire(p);
	assert_int_not_equal(pair_child(a)->spi_in, old_in);
	assert_paired(p);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(child_rekey_without_pfs),
		cmocka_unit_test(child_rekey_with_pfs),
		cmocka_unit_test(pfs_group_retry),
		cmocka_unit_test(ike_rekey_moves_children),
		cmocka_unit_test(simultaneous_child_rekey),
		cmocka_unit_test(simultaneous_ike_rekey),
		cmocka_unit_test(reauth_makes_before_break),
		cmocka_unit_test(sequence_limit_starts_rekey),
		cmocka_unit_test(soft_lifetime_starts_rekey),
	};
	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
