// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Two IKE engines negotiating in memory: a PSK tunnel for several proposal
 * sets with ESP in both directions, retransmitted requests, the Delete
 * exchange and forced UDP encapsulation.
 */
#include "ike_pair.h"

#define A_TS "\"198.51.100.0/24\""
#define B_TS "\"203.0.113.0/24\""
#define PSK  "pair test psk"

struct combo {
	const char *ike;
	const char *esp;
	struct negotiated ike_alg;
	struct negotiated esp_alg;
};

#define IKE_ALG(e, bits, i, f, group)                                          \
	{                                                                      \
		.encr = (e), .key_bits = (bits), .integ = (i), .prf = (f),     \
		.dh = (group)                                                  \
	}
#define ESP_ALG(e, bits, i)                                                    \
	{                                                                      \
		.encr = (e), .key_bits = (bits), .integ = (i), .dh = DH_NONE   \
	}

static const struct combo combos[] = {
        {"\"aes256gcm16-prfsha256-x25519\"", "\"aes256gcm16\"",
         IKE_ALG(ENCR_AES_GCM_16, 256, INTEG_NONE, PRF_HMAC_SHA2_256,
                 DH_X25519),
         ESP_ALG(ENCR_AES_GCM_16, 256, INTEG_NONE)},
        {"\"aes128-sha256-prfsha256-ecp256\"", "\"aes128-sha256\"",
         IKE_ALG(ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256,
                 DH_ECP256),
         ESP_ALG(ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128)},
        {"\"chacha20poly1305-prfsha512-modp2048\"", "\"chacha20poly1305\"",
         IKE_ALG(ENCR_CHACHA20_POLY1305, 256, INTEG_NONE, PRF_HMAC_SHA2_512,
                 DH_MODP2048),
         ESP_ALG(ENCR_CHACHA20_POLY1305, 256, INTEG_NONE)},
        {"\"aes256-sha384-ecp384\"", "\"aes256-sha512\"",
         IKE_ALG(ENCR_AES_CBC, 256, INTEG_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384,
                 DH_ECP384),
         ESP_ALG(ENCR_AES_CBC, 256, INTEG_HMAC_SHA2_512_256)},
        {"\"aes256gcm16-prfsha384-modp3072\"", "\"aes128gcm16\"",
         IKE_ALG(ENCR_AES_GCM_16, 256, INTEG_NONE, PRF_HMAC_SHA2_384,
                 DH_MODP3072),
         ESP_ALG(ENCR_AES_GCM_16, 128, INTEG_NONE)},
};

static struct ike_pair *default_pair(const char *ike, const char *esp,
                                     const char *a_extra)
{
	struct pair_conf a = {ike, esp, A_TS, B_TS, a_extra, PSK};
	struct pair_conf b = {ike, esp, B_TS, A_TS, NULL, PSK};

	return pair_new(&a, &b);
}

static void assert_alg(const struct negotiated *got,
                       const struct negotiated *want, bool is_esp)
{
	assert_int_equal(got->encr, want->encr);
	assert_int_equal(got->key_bits, want->key_bits);
	assert_int_equal(got->integ, want->integ);
	assert_int_equal(got->dh, want->dh);
	if (!is_esp)
		assert_int_equal(got->prf, want->prf);
}

static void check_tunnel(struct ike_pair *p, const struct combo *c)
{
	struct ike_sa *sa_a = pair_sa(p, PAIR_A);
	struct ike_sa *sa_b = pair_sa(p, PAIR_B);
	struct child_sa *ca, *cb;

	assert_int_equal(sa_a->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(sa_b->state, IKE_STATE_ESTABLISHED);
	assert_true(sa_a->initiator);
	assert_false(sa_b->initiator);
	assert_true(sa_a->spi_i == sa_b->spi_i);
	assert_true(sa_a->spi_r == sa_b->spi_r);
	assert_alg(&sa_a->alg, &c->ike_alg, false);
	assert_alg(&sa_b->alg, &c->ike_alg, false);

	ca = pair_child(sa_a);
	cb = pair_child(sa_b);
	assert_int_equal(ca->spi_in, cb->spi_out);
	assert_int_equal(ca->spi_out, cb->spi_in);
	assert_int_equal(ca->out.spi, ca->spi_out);
	assert_int_equal(cb->in.spi, cb->spi_in);
	assert_alg(&ca->alg, &c->esp_alg, true);
	assert_alg(&cb->alg, &c->esp_alg, true);

	assert_int_equal(p->side[PAIR_A].n_up, 1);
	assert_int_equal(p->side[PAIR_A].up_spis[0], ca->spi_in);
	assert_int_equal(p->side[PAIR_B].n_up, 1);
	assert_int_equal(p->side[PAIR_B].up_spis[0], cb->spi_in);

	assert_int_equal(pair_esp(ca, cb, "198.51.100.1", "203.0.113.1", NULL),
	                 0);
	assert_int_equal(pair_esp(cb, ca, "203.0.113.1", "198.51.100.1", NULL),
	                 0);
}

static void psk_tunnel_for_each_proposal(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		struct ike_pair *p =
		        default_pair(combos[i].ike, combos[i].esp, NULL);

		print_message("proposal %s / %s\n", combos[i].ike,
		              combos[i].esp);
		pair_initiate(p);
		pair_pump(p);
		assert_int_equal(p->side[PAIR_A].n_sent, 2);
		assert_int_equal(p->side[PAIR_B].n_sent, 2);
		check_tunnel(p, &combos[i]);
		pair_free(p);
	}
}

static void retransmitted_auth_gets_same_response(void **state)
{
	struct ike_pair *p = default_pair(combos[0].ike, combos[0].esp, NULL);
	struct pair_side *b = &p->side[PAIR_B];
	const struct pair_msg *first;

	(void)state;
	pair_initiate(p);
	pair_pump(p);
	check_tunnel(p, &combos[0]);
	assert_int_equal(b->n_sent, 2);

	pair_deliver(p, PAIR_A, &p->side[PAIR_A].history[1]);
	assert_int_equal(b->n_sent, 3);
	first = &b->history[1];
	assert_int_equal(b->history[2].len, first->len);
	assert_memory_equal(b->history[2].data, first->data, first->len);

	assert_int_equal(b->n_up, 1);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	pair_free(p);
}

/* An IKE_SA_INIT request that arrives after IKE_AUTH changes nothing. */
static void late_init_retransmit_ignored(void **state)
{
	struct ike_pair *p = default_pair(combos[0].ike, combos[0].esp, NULL);
	struct pair_side *b = &p->side[PAIR_B];

	(void)state;
	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(b->n_sent, 2);

	pair_deliver(p, PAIR_A, &p->side[PAIR_A].history[0]);
	assert_int_equal(b->n_sent, 2);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 1);
	assert_int_equal(b->n_up, 1);
	pair_free(p);
}

static void shutdown_deletes_peer_sa(void **state)
{
	struct ike_pair *p = default_pair(combos[0].ike, combos[0].esp, NULL);
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	static uint8_t buf[IKE_MAX_MESSAGE];
	struct ike_message m;
	struct ike_delete d;
	const struct ike_payload *dp;
	uint32_t b_spi;

	(void)state;
	pair_initiate(p);
	pair_pump(p);
	b_spi = pair_child(pair_sa(p, PAIR_B))->spi_in;

	ike_engine_shutdown(&a->eng);
	assert_null(a->eng.sas);
	assert_int_equal(a->n_down, 1);
	assert_int_equal(a->n_queued, 1);

	pair_open(p, PAIR_B, &a->queue[0], buf, &m);
	assert_int_equal(m.hdr.exchange, INFORMATIONAL);
	assert_false(m.hdr.flags & IKE_FLAG_RESPONSE);
	dp = ike_find(&m, PL_DELETE);
	assert_non_null(dp);
	assert_int_equal(ike_parse_delete(dp->body, dp->len, &d), 0);
	assert_int_equal(d.protocol, PROTO_IKE);

	pair_pump(p);
	assert_null(b->eng.sas);
	assert_int_equal(b->n_down, 1);
	assert_int_equal(b->down_spis[0], b_spi);
	pair_free(p);
}

static void responder_delete_is_confirmed(void **state)
{
	struct ike_pair *p = default_pair(combos[0].ike, combos[0].esp, NULL);
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	struct ike_sa *sa_b;

	(void)state;
	pair_initiate(p);
	pair_pump(p);
	sa_b = pair_sa(p, PAIR_B);

	assert_int_equal(ike_sa_delete(&b->eng, sa_b), 0);
	assert_int_equal(sa_b->state, IKE_STATE_DELETING);
	pair_pump(p);

	assert_null(a->eng.sas);
	assert_null(b->eng.sas);
	assert_int_equal(a->n_down, 1);
	assert_int_equal(b->n_down, 1);
	assert_int_equal(b->n_sent, 3);
	assert_int_equal(a->n_sent, 3);
	assert_true(a->history[2].data[19] & IKE_FLAG_RESPONSE);
	pair_free(p);
}

static void forced_encap_moves_to_4500(void **state)
{
	struct ike_pair *p =
	        default_pair(combos[0].ike, combos[0].esp, "encap = true;");
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	struct ike_sa *sa_a, *sa_b;

	(void)state;
	pair_initiate(p);
	pair_pump(p);
	check_tunnel(p, &combos[0]);
	sa_a = pair_sa(p, PAIR_A);
	sa_b = pair_sa(p, PAIR_B);

	assert_true(sa_a->natt);
	assert_true(sa_b->natt);
	assert_int_equal(sockaddr_port(&sa_a->local), 4500);
	assert_int_equal(sockaddr_port(&sa_a->remote), 4500);
	assert_int_equal(sockaddr_port(&sa_b->local), 4500);
	assert_int_equal(sockaddr_port(&sa_b->remote), 4500);

	/* IKE_SA_INIT on port 500 without the marker, IKE_AUTH on 4500. */
	assert_int_equal(a->n_sent, 2);
	assert_false(a->history[0].natt);
	assert_int_equal(sockaddr_port(&a->history[0].dst), 500);
	assert_false(b->history[0].natt);
	assert_true(a->history[1].natt);
	assert_int_equal(sockaddr_port(&a->history[1].src), 4500);
	assert_int_equal(sockaddr_port(&a->history[1].dst), 4500);
	assert_true(b->history[1].natt);
	assert_int_equal(sockaddr_port(&b->history[1].dst), 4500);
	pair_free(p);
}

static void no_encap_stays_on_500(void **state)
{
	struct ike_pair *p = default_pair(combos[0].ike, combos[0].esp, NULL);
	struct pair_side *a = &p->side[PAIR_A];

	(void)state;
	pair_initiate(p);
	pair_pump(p);
	assert_false(pair_sa(p, PAIR_A)->natt);
	assert_false(pair_sa(p, PAIR_B)->natt);
	assert_false(a->history[1].natt);
	assert_int_equal(sockaddr_port(&a->history[1].dst), 500);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(psk_tunnel_for_each_proposal),
	        cmocka_unit_test(retransmitted_auth_gets_same_response),
	        cmocka_unit_test(late_init_retransmit_ignored),
	        cmocka_unit_test(shutdown_deletes_peer_sa),
	        cmocka_unit_test(responder_delete_is_confirmed),
	        cmocka_unit_test(forced_encap_moves_to_4500),
	        cmocka_unit_test(no_encap_stays_on_500),
	};

	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
