// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Several CHILD_SAs of one connection on one IKE SA, between two
 * in-process engines.  The first comes in IKE_AUTH and the next by
 * CREATE_CHILD_SA.  The responder picks the child by selectors and answers
 * TS_UNACCEPTABLE when none fits.  A rekey, delete or expiry of one child
 * leaves the other alone.
 */
#include <errno.h>

#include "ike_pair.h"

#include "ike/rekey.h"
#include "util/timeutil.h"

#define PSK   "pair test psk"
#define IKE   "\"aes256gcm16-prfsha256-x25519\""
#define ESP   "\"aes256gcm16\""
#define A_NET "\"198.51.100.0/24\""
#define B_NET "\"203.0.113.0/24\""

/* Child "low" pairs the lower halves of both /24s, "high" the upper
 * halves, with PFS when it is created or rekeyed. */
#define A_LOW                                                                  \
	"{ name = \"low\"; local_ts = [ \"198.51.100.0/25\" ];"                \
	" remote_ts = [ \"203.0.113.0/25\" ]; start_action = \"initiate\"; }"
#define A_HIGH                                                                 \
	"{ name = \"high\"; local_ts = [ \"198.51.100.128/25\" ];"             \
	" remote_ts = [ \"203.0.113.128/25\" ];"                               \
	" esp_proposals = [ \"aes256gcm16-x25519\" ];"                         \
	" start_action = \"initiate\"; }"
#define B_LOW                                                                  \
	"{ name = \"low\"; local_ts = [ \"203.0.113.0/25\" ];"                 \
	" remote_ts = [ \"198.51.100.0/25\" ]; }"
#define B_HIGH                                                                 \
	"{ name = \"high\"; local_ts = [ \"203.0.113.128/25\" ];"              \
	" remote_ts = [ \"198.51.100.128/25\" ];"                              \
	" esp_proposals = [ \"aes256gcm16-x25519\" ]; }"

static struct ike_pair *pair_with(const char *a_extra, const char *b_extra)
{
	struct pair_conf a = {IKE, ESP, A_NET, B_NET, a_extra, PSK};
	struct pair_conf b = {IKE, ESP, B_NET, A_NET, b_extra, PSK};
	return pair_new(&a, &b);
}

static struct ike_pair *up(const char *a_extra, const char *b_extra)
{
	struct ike_pair *p = pair_with(a_extra, b_extra);
	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	return p;
}

static struct ike_pair *up_two(void)
{
	return up("children = ( " A_LOW ", " A_HIGH " );",
	          "children = ( " B_LOW ", " B_HIGH " );");
}

/* The installed, current CHILD_SA of the named child; NULL if none. */
static struct child_sa *find_child(struct ike_sa *sa, const char *name)
{
	struct child_sa *found = NULL;
	for (struct child_sa *c = sa->children; c; c = c->next) {
		if (!c->installed || c->replaced ||
		    strcmp(child_cfg(c)->name, name) != 0)
			continue;
		assert_null(found);
		found = c;
	}
	return found;
}

static struct child_sa *child_of(struct ike_pair *p, int side, const char *name)
{
	struct child_sa *c = find_child(pair_sa(p, side), name);
	if (!c)
		fail_msg("no CHILD_SA %s on side %d", name, side);
	return c;
}

/* Checks both halves of a child match and carry a packet each way. */
static void assert_child_paired(struct ike_pair *p, const char *name,
                                const char *a_host, const char *b_host)
{
	struct child_sa *a = child_of(p, PAIR_A, name);
	struct child_sa *b = child_of(p, PAIR_B, name);
	enum esp_drop reason;

	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_equal(a->spi_out, b->spi_in);
	assert_int_equal(pair_esp(a, b, a_host, b_host, &reason), 0);
	assert_int_equal(pair_esp(b, a, b_host, a_host, &reason), 0);
}

/* Runs both sides' timers at `at` and delivers what they send. */
static void run_timers(struct ike_pair *p, uint64_t at)
{
	ike_engine_run_timers(&p->side[PAIR_A].eng, at);
	ike_engine_run_timers(&p->side[PAIR_B].eng, at);
	pair_pump(p);
}

/* The last message `sender` sent, decrypted by the other side. */
static void open_last(struct ike_pair *p, int sender, uint8_t *buf,
                      struct ike_message *m)
{
	struct pair_side *s = &p->side[sender];
	assert_true(s->n_sent > 0);
	pair_open(p, !sender, &s->history[s->n_sent - 1], buf, m);
}

/* Whether a message of `exchange` that `sender` sent has that notify. */
static bool sent_notify(struct ike_pair *p, int sender, uint8_t exchange,
                        uint16_t type)
{
	static uint8_t buf[IKE_MAX_MESSAGE];
	struct pair_side *s = &p->side[sender];
	struct ike_message m;

	for (size_t i = 0; i < s->n_sent; i++) {
		struct pair_msg *msg = &s->history[i];
		memcpy(buf, msg->data, msg->len);
		assert_int_equal(ike_parse_message(buf, msg->len, &m), 0);
		if (m.hdr.exchange != exchange)
			continue;
		pair_open(p, !sender, msg, buf, &m);
		if (pair_has_notify(&m, type))
			return true;
	}
	return false;
}

static void two_children_one_ike_sa(void **state)
{
	(void)state;
	struct ike_pair *p = up_two();
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);

	assert_int_equal(pair_count_children(a), 2);
	assert_int_equal(pair_count_children(b), 2);
	assert_int_equal(a->children_todo, 0);

	/* Each child carries its own selectors on both sides. */
	struct child_sa *low = child_of(p, PAIR_A, "low");
	struct child_sa *high = child_of(p, PAIR_A, "high");
	assert_int_equal(low->n_local_ts, 1);
	pair_assert_ts(&low->local_ts[0], "198.51.100.0", 25);
	pair_assert_ts(&low->remote_ts[0], "203.0.113.0", 25);
	pair_assert_ts(&high->local_ts[0], "198.51.100.128", 25);
	pair_assert_ts(&high->remote_ts[0], "203.0.113.128", 25);
	pair_assert_ts(&child_of(p, PAIR_B, "high")->local_ts[0],
	               "203.0.113.128", 25);
	pair_assert_ts(&child_of(p, PAIR_B, "low")->remote_ts[0],
	               "198.51.100.0", 25);

	/* "high" came by CREATE_CHILD_SA with its own proposal, so PFS. */
	assert_int_equal(low->alg.dh, DH_NONE);
	assert_int_equal(high->alg.dh, DH_X25519);

	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	assert_child_paired(p, "high", "198.51.100.129", "203.0.113.129");

	/* A packet outside a child's selectors does not pass it. */
	enum esp_drop reason;
	assert_int_not_equal(pair_esp(low, child_of(p, PAIR_B, "low"),
	                              "198.51.100.129", "203.0.113.1", &reason),
	                     0);
	pair_free(p);
}

static void child_rekey_leaves_other(void **state)
{
	(void)state;
	struct ike_pair *p = up_two();
	struct ike_sa *sa = pair_sa(p, PAIR_A);
	struct child_sa *low = child_of(p, PAIR_A, "low");
	struct child_sa *high = child_of(p, PAIR_A, "high");
	uint32_t low_in = low->spi_in, low_out = low->spi_out;
	uint32_t high_in = high->spi_in;

	assert_int_equal(rekey_start_child(&p->side[PAIR_A].eng, sa, high), 0);
	pair_pump(p);
	run_timers(p, now_ms() + REKEY_GRACE_MS + 100);

	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 2);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 2);
	assert_int_not_equal(child_of(p, PAIR_A, "high")->spi_in, high_in);
	assert_int_equal(child_of(p, PAIR_A, "high")->alg.dh, DH_X25519);
	assert_int_equal(child_of(p, PAIR_A, "low")->spi_in, low_in);
	assert_int_equal(child_of(p, PAIR_A, "low")->spi_out, low_out);
	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	assert_child_paired(p, "high", "198.51.100.129", "203.0.113.129");
	pair_free(p);
}

static void child_delete_leaves_other(void **state)
{
	(void)state;
	struct ike_pair *p = up_two();
	struct ike_sa *sa = pair_sa(p, PAIR_A);

	assert_int_equal(rekey_delete_children(&p->side[PAIR_A].eng, sa,
	                                       child_of(p, PAIR_A, "low")),
	                 0);
	pair_pump(p);
	run_timers(p, now_ms() + REKEY_GRACE_MS + 100);

	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 1);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_null(find_child(pair_sa(p, PAIR_B), "low"));
	assert_child_paired(p, "high", "198.51.100.129", "203.0.113.129");
	pair_free(p);
}

static void child_expires_alone(void **state)
{
	(void)state;
	struct ike_pair *p = up_two();
	uint64_t now = now_ms();

	/* Only "high" reaches its hard lifetime. */
	child_of(p, PAIR_A, "high")->expire_ms = now;
	run_timers(p, now + REKEY_GRACE_MS + 100);
	run_timers(p, now + 2 * (REKEY_GRACE_MS + 100));

	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 1);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_null(find_child(pair_sa(p, PAIR_A), "high"));
	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	pair_free(p);
}

static void ike_rekey_keeps_children(void **state)
{
	(void)state;
	struct ike_pair *p = up_two();
	uint32_t low_in = child_of(p, PAIR_A, "low")->spi_in;
	uint32_t high_in = child_of(p, PAIR_A, "high")->spi_in;

	assert_int_equal(
	        rekey_start_ike(&p->side[PAIR_A].eng, pair_sa(p, PAIR_A)), 0);
	pair_pump(p);

	assert_int_equal(child_of(p, PAIR_A, "low")->spi_in, low_in);
	assert_int_equal(child_of(p, PAIR_A, "high")->spi_in, high_in);
	assert_ptr_equal(child_of(p, PAIR_A, "high")->ike, pair_sa(p, PAIR_A));
	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	assert_child_paired(p, "high", "198.51.100.129", "203.0.113.129");
	pair_free(p);
}

/* Index in `sender`'s history of its first request of `exchange` on the
 * IKE SA with initiator SPI spi_i; fails the test if there is none. */
static size_t request_index(struct ike_pair *p, int sender, uint64_t spi_i,
                            uint8_t exchange)
{
	struct pair_side *s = &p->side[sender];
	struct ike_header h;

	for (size_t i = 0; i < s->n_sent; i++) {
		assert_int_equal(ike_parse_header(s->history[i].data,
		                                  s->history[i].len, &h),
		                 0);
		if (h.spi_i == spi_i && h.exchange == exchange &&
		    !(h.flags & IKE_FLAG_RESPONSE))
			return i;
	}
	fail_msg("no %u request on IKE SA %016llx", exchange,
	         (unsigned long long)spi_i);
	return 0;
}

/* A reauthentication sets up both children on the new IKE SA before it
 * deletes the old one. */
static void reauth_moves_both_children(void **state)
{
	(void)state;
	struct ike_pair *p = up_two();
	uint64_t old_spi = pair_sa(p, PAIR_A)->spi_i;

	assert_int_equal(
	        rekey_reauthenticate(&p->side[PAIR_A].eng, pair_sa(p, PAIR_A)),
	        0);
	pair_pump(p);
	run_timers(p, now_ms() + REKEY_GRACE_MS + 100);

	struct ike_sa *sa = pair_sa(p, PAIR_A);
	assert_int_not_equal(sa->spi_i, old_spi);
	assert_int_equal(pair_count_children(sa), 2);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 2);
	assert_true(request_index(p, PAIR_A, sa->spi_i, CREATE_CHILD_SA) <
	            request_index(p, PAIR_A, old_spi, INFORMATIONAL));
	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	assert_child_paired(p, "high", "198.51.100.129", "203.0.113.129");
	pair_free(p);
}

/* B has only "low": A's request for "high" gets TS_UNACCEPTABLE. */
static void unmatched_child_rejected(void **state)
{
	(void)state;
	struct ike_pair *p = up("children = ( " A_LOW ", " A_HIGH " );",
	                        "children = ( " B_LOW " );");
	uint8_t buf[IKE_MAX_MESSAGE];
	struct ike_message m;

	open_last(p, PAIR_B, buf, &m);
	assert_int_equal(m.hdr.exchange, CREATE_CHILD_SA);
	assert_true(pair_has_notify(&m, N_TS_UNACCEPTABLE));

	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 1);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_null(find_child(pair_sa(p, PAIR_A), "high"));
	assert_int_equal(pair_sa(p, PAIR_A)->pending.task, TASK_NONE);
	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	pair_free(p);
}

/* B already has IKE_MAX_CHILD_SAS CHILD_SAs on the IKE SA, so A's
 * request for one more gets NO_ADDITIONAL_SAS and the IKE SA stays. */
static void children_per_ike_sa_limited(void **state)
{
	(void)state;
	const char *a_high_wait =
	        "{ name = \"high\"; local_ts = [ \"198.51.100.128/25\" ];"
	        " remote_ts = [ \"203.0.113.128/25\" ];"
	        " start_action = \"wait\"; }";
	char a_extra[512];
	snprintf(a_extra, sizeof(a_extra), "children = ( %s, %s );", A_LOW,
	         a_high_wait);
	struct ike_pair *p = up(a_extra,
	                        "children = ( " B_LOW ", " B_HIGH " );");
	struct ike_sa *b = pair_sa(p, PAIR_B);
	assert_int_equal(pair_count_children(b), 1);
	/* Stand-ins: CHILD_SAs without keys, never installed. */
	for (unsigned i = 1; i < IKE_MAX_CHILD_SAS; i++) {
		struct child_sa *c = child_sa_new(b);
		assert_non_null(c);
		c->next = b->children;
		b->children = c;
	}

	assert_int_equal(ike_engine_trigger(&p->side[PAIR_A].eng,
	                                    pair_conn(p, PAIR_A), 1),
	                 0);
	pair_pump(p);
	uint8_t buf[IKE_MAX_MESSAGE];
	struct ike_message m;
	open_last(p, PAIR_B, buf, &m);
	assert_int_equal(m.hdr.exchange, CREATE_CHILD_SA);
	assert_true(pair_has_notify(&m, N_NO_ADDITIONAL_SAS));
	assert_null(find_child(pair_sa(p, PAIR_A), "high"));
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	pair_free(p);
}

/* A's first child fails in IKE_AUTH; the IKE SA stays and the second
 * child still comes up by CREATE_CHILD_SA. */
static void failed_first_child_tolerated(void **state)
{
	(void)state;
	struct ike_pair *p = up("children = ( " A_HIGH ", " A_LOW " );",
	                        "children = ( " B_LOW " );");
	assert_true(sent_notify(p, PAIR_B, IKE_AUTH, N_TS_UNACCEPTABLE));
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 1);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_child_paired(p, "low", "198.51.100.1", "203.0.113.1");
	pair_free(p);
}

/* B picks the child whose selectors fit A's request, not its first. */
static void responder_picks_fitting_child(void **state)
{
	(void)state;
	struct ike_pair *p = up("children = ( " A_HIGH " );",
	                        "children = ( " B_LOW ", " B_HIGH " );");
	struct child_sa *b = find_child(pair_sa(p, PAIR_B), "high");

	assert_non_null(b);
	assert_int_equal(b->cfg_index, 1);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_child_paired(p, "high", "198.51.100.129", "203.0.113.129");
	pair_free(p);
}

/* A requests both /24s: B narrows the request to its first child. */
static void responder_narrows_to_child(void **state)
{
	(void)state;
	struct ike_pair *p = up(NULL, "children = ( " B_LOW ", " B_HIGH " );");
	struct child_sa *b = find_child(pair_sa(p, PAIR_B), "low");

	assert_non_null(b);
	pair_assert_ts(&b->local_ts[0], "203.0.113.0", 25);
	pair_assert_ts(&b->remote_ts[0], "198.51.100.0", 25);
	struct child_sa *a = pair_child(pair_sa(p, PAIR_A));
	pair_assert_ts(&a->local_ts[0], "198.51.100.0", 25);
	pair_assert_ts(&a->remote_ts[0], "203.0.113.0", 25);
	pair_free(p);
}

/* A "trap" child comes up on the running IKE SA when traffic starts it. */
static void trap_child_joins_ike_sa(void **state)
{
	(void)state;
	struct ike_pair *p = up("children = ( " A_LOW ", { name = \"high\";"
	                        " local_ts = [ \"198.51.100.128/25\" ];"
	                        " remote_ts = [ \"203.0.113.128/25\" ];"
	                        " start_action = \"trap\"; } );",
	                        "children = ( " B_LOW ", { name = \"high\";"
	                        " local_ts = [ \"203.0.113.128/25\" ];"
	                        " remote_ts = [ \"198.51.100.128/25\" ]; } );");
	struct ike_engine *eng = &p->side[PAIR_A].eng;
	struct cfg_conn *conn = pair_conn(p, PAIR_A);

	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 1);
	assert_true(ike_engine_child_trapped(eng, conn, 1));
	assert_false(ike_engine_child_trapped(eng, conn, 0));
	assert_int_equal(ike_engine_trigger(eng, conn, 0), -EALREADY);

	assert_int_equal(ike_engine_trigger(eng, conn, 1), 0);
	assert_int_equal(ike_engine_trigger(eng, conn, 1), -EALREADY);
	pair_pump(p);

	assert_int_equal(pair_count_sas(p, PAIR_A), 1);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 2);
	assert_child_paired(p, "high", "198.51.100.129", "203.0.113.129");
	assert_int_equal(ike_engine_trigger(eng, conn, 1), -EALREADY);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(two_children_one_ike_sa),
	        cmocka_unit_test(children_per_ike_sa_limited),
	        cmocka_unit_test(child_rekey_leaves_other),
	        cmocka_unit_test(child_delete_leaves_other),
	        cmocka_unit_test(child_expires_alone),
	        cmocka_unit_test(ike_rekey_keeps_children),
	        cmocka_unit_test(reauth_moves_both_children),
	        cmocka_unit_test(unmatched_child_rejected),
	        cmocka_unit_test(failed_first_child_tolerated),
	        cmocka_unit_test(responder_picks_fitting_child),
	        cmocka_unit_test(responder_narrows_to_child),
	        cmocka_unit_test(trap_child_joins_ike_sa),
	};
	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
