// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Two IKE engines in memory, negotiations that fail or recover: a wrong
 * key exchange group, disjoint proposals, a wrong PSK, an ESP proposal
 * mismatch, an unexpected responder identity and invalid public values
 * changed in flight.
 */
#include "ike_pair.h"

#include "ike/sk.h"

#define A_TS     "\"198.51.100.0/24\""
#define B_TS     "\"203.0.113.0/24\""
#define PSK      "pair test psk"
#define AEAD_IKE "\"aes256gcm16-prfsha256-x25519\""
#define AEAD_ESP "\"aes256gcm16\""

static uint8_t open_buf[IKE_MAX_MESSAGE];

static struct ike_pair *make_pair(const char *a_ike, const char *a_esp,
                                  const char *b_ike, const char *b_esp,
                                  const char *b_psk)
{
	struct pair_conf a = {a_ike, a_esp, A_TS, B_TS, NULL, PSK};
	struct pair_conf b = {b_ike, b_esp, B_TS, A_TS, NULL, b_psk};

	return pair_new(&a, &b);
}

/* Parses a cleartext IKE_SA_INIT message from a side's history. */
static void parse_init(const struct pair_msg *msg, struct ike_message *m)
{
	memcpy(open_buf, msg->data, msg->len);
	assert_int_equal(ike_parse_message(open_buf, msg->len, m), 0);
	assert_int_equal(m->hdr.exchange, IKE_SA_INIT);
}

static void invalid_ke_retries_with_group(void **state)
{
	struct ike_pair *p =
	        make_pair("\"aes256gcm16-prfsha256-x25519-ecp256\"", AEAD_ESP,
	                  "\"aes256gcm16-prfsha256-ecp256\"", AEAD_ESP, PSK);
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	struct ike_message m;
	struct ike_notify n;
	struct ike_ke ke;
	const struct ike_payload *kp;
	uint64_t spi_i;

	(void)state;
	pair_initiate(p);
	pair_pump(p);

	/* A's first KE is for x25519, the first group of its proposal. */
	parse_init(&a->history[0], &m);
	kp = ike_find(&m, PL_KE);
	assert_non_null(kp);
	assert_int_equal(ike_parse_ke(kp->body, kp->len, &ke), 0);
	assert_int_equal(ke.group, DH_X25519);
	spi_i = m.hdr.spi_i;

	/* B names ecp256 (19) in INVALID_KE_PAYLOAD. */
	parse_init(&b->history[0], &m);
	assert_true(m.hdr.flags & IKE_FLAG_RESPONSE);
	assert_non_null(ike_find_notify(&m, N_INVALID_KE_PAYLOAD, &n));
	assert_int_equal(n.len, 2);
	assert_int_equal(get_be16(n.data), DH_ECP256);
	assert_null(ike_find(&m, PL_KE));

	/* A retries with ecp256 and the same SPI. */
	assert_int_equal(a->n_sent, 3);
	parse_init(&a->history[1], &m);
	kp = ike_find(&m, PL_KE);
	assert_non_null(kp);
	assert_int_equal(ike_parse_ke(kp->body, kp->len, &ke), 0);
	assert_int_equal(ke.group, DH_ECP256);
	assert_int_equal(ke.len, 64);
	assert_int_equal(m.hdr.msg_id, 0);
	assert_true(m.hdr.spi_i == spi_i);
	assert_true(m.hdr.spi_r == 0);

	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_A)->alg.dh, DH_ECP256);
	assert_int_equal(pair_sa(p, PAIR_B)->alg.dh, DH_ECP256);
	assert_int_equal(pair_esp(pair_child(pair_sa(p, PAIR_A)),
	                          pair_child(pair_sa(p, PAIR_B)),
	                          "198.51.100.1", "203.0.113.1", NULL),
	                 0);
	pair_free(p);
}

static void disjoint_proposals_no_sa(void **state)
{
	struct ike_pair *p = make_pair(
	        AEAD_IKE, AEAD_ESP, "\"aes128-sha256-ecp256\"", AEAD_ESP, PSK);
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	struct ike_message m;
	struct ike_notify n;

	(void)state;
	pair_initiate(p);
	pair_pump(p);

	assert_int_equal(b->n_sent, 1);
	parse_init(&b->history[0], &m);
	assert_true(m.hdr.flags & IKE_FLAG_RESPONSE);
	assert_int_equal(ike_first_error(&m, &n), N_NO_PROPOSAL_CHOSEN);
	assert_null(ike_find(&m, PL_SA));
	assert_null(ike_find(&m, PL_KE));

	assert_int_equal(a->n_sent, 1);
	assert_null(a->eng.sas);
	assert_null(b->eng.sas);
	assert_int_equal(a->n_up, 0);
	assert_int_equal(b->n_up, 0);
	pair_free(p);
}

static void wrong_psk_fails_auth(void **state)
{
	struct ike_pair *p = make_pair(AEAD_IKE, AEAD_ESP, AEAD_IKE, AEAD_ESP,
	                               "another psk");
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	struct ike_message m;
	struct ike_notify n;

	(void)state;
	pair_initiate(p);
	assert_true(pair_step(p, PAIR_A));
	assert_true(pair_step(p, PAIR_B));
	assert_true(pair_step(p, PAIR_A));

	/* B rejected IKE_AUTH and removed its SA as it sent the response. */
	assert_int_equal(b->n_queued, 1);
	assert_null(b->eng.sas);
	pair_open(p, PAIR_A, &b->queue[0], open_buf, &m);
	assert_int_equal(m.hdr.exchange, IKE_AUTH);
	assert_true(m.hdr.flags & IKE_FLAG_RESPONSE);
	assert_int_equal(ike_first_error(&m, &n), N_AUTHENTICATION_FAILED);
	assert_null(ike_find(&m, PL_AUTH));
	assert_null(ike_find(&m, PL_SA));

	pair_pump(p);
	assert_null(a->eng.sas);
	assert_null(b->eng.sas);
	assert_int_equal(a->n_up, 0);
	assert_int_equal(b->n_up, 0);
	pair_free(p);
}

static void esp_mismatch_keeps_ike_sa(void **state)
{
	struct ike_pair *p = make_pair(AEAD_IKE, AEAD_ESP, AEAD_IKE,
	                               "\"aes128-sha256\"", PSK);
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
	assert_int_equal(ike_first_error(&m, &n), N_NO_PROPOSAL_CHOSEN);
	assert_non_null(ike_find(&m, PL_AUTH));
	assert_null(ike_find(&m, PL_SA));

	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 0);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 0);
	assert_int_equal(a->n_up, 0);
	assert_int_equal(b->n_up, 0);
	pair_free(p);
}

/*
 * B authenticates with the right PSK but under an identity A does not
 * expect, so only A can detect the mismatch.
 */
static void unexpected_responder_id_fails(void **state)
{
	struct pair_conf conf_a = {AEAD_IKE,
	                           AEAD_ESP,
	                           A_TS,
	                           B_TS,
	                           "remote_id = \"fqdn:gw-b.example.org\";",
	                           PSK};
	struct pair_conf conf_b = {AEAD_IKE,
	                           AEAD_ESP,
	                           B_TS,
	                           A_TS,
	                           "local_id = \"fqdn:gw-c.example.org\";",
	                           PSK};
	struct ike_pair *p = pair_new(&conf_a, &conf_b);
	struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
	struct ike_message m;
	const struct ike_payload *idp;
	struct ike_id id;

	(void)state;
	pair_initiate(p);
	assert_true(pair_step(p, PAIR_A));
	assert_true(pair_step(p, PAIR_B));
	assert_true(pair_step(p, PAIR_A));

	/* B accepted A, and its response carries its own identity and AUTH. */
	assert_int_equal(b->n_queued, 1);
	pair_open(p, PAIR_A, &b->queue[0], open_buf, &m);
	assert_non_null(ike_find(&m, PL_AUTH));
	idp = ike_find(&m, PL_IDR);
	assert_non_null(idp);
	assert_int_equal(ike_parse_id(idp->body, idp->len, &id), 0);
	assert_int_equal(id.type, ID_FQDN);
	assert_int_equal(id.len, strlen("gw-c.example.org"));
	assert_memory_equal(id.data, "gw-c.example.org", id.len);

	pair_pump(p);
	assert_null(a->eng.sas);
	assert_int_equal(a->n_up, 0);
	/* A's Delete removed the SA B had already installed. */
	assert_int_equal(pair_count_sas(p, PAIR_B), 0);
	assert_int_equal(b->n_up, 1);
	assert_int_equal(b->n_down, 1);
	pair_free(p);
}

/* A public value that the responder must reject, by group. */
struct bad_ke {
	const char *ike;
	uint16_t group;
	size_t len;
	void (*fill)(uint8_t *value, size_t len);
};

static void fill_zero(uint8_t *value, size_t len)
{
	memset(value, 0, len);
}

/* The point (1, 1), which would need b = 3 on y^2 = x^3 - 3x + b, so it
 * is not on P-256. */
static void fill_off_curve(uint8_t *value, size_t len)
{
	memset(value, 0, len);
	value[len / 2 - 1] = 1;
	value[len - 1] = 1;
}

/* y = 1, outside the range 1 < y < p-1 that a MODP public value needs. */
static void fill_one(uint8_t *value, size_t len)
{
	memset(value, 0, len);
	value[len - 1] = 1;
}

static const struct bad_ke bad_kes[] = {
        {"\"aes256gcm16-prfsha256-x25519\"", DH_X25519, 32, fill_zero},
        {"\"aes256gcm16-prfsha256-ecp256\"", DH_ECP256, 64, fill_off_curve},
        {"\"aes256gcm16-prfsha256-modp2048\"", DH_MODP2048, 256, fill_one},
};

/* Replaces the KE value of A's IKE_SA_INIT request in flight. */
static bool replace_ke(struct ike_pair *p, int sender, struct pair_msg *msg)
{
	const struct bad_ke *bad = p->filter_data;
	struct ike_message m;
	struct ike_ke ke;
	const struct ike_payload *kp;

	if (sender != PAIR_A)
		return true;
	assert_int_equal(ike_parse_message(msg->data, msg->len, &m), 0);
	assert_int_equal(m.hdr.exchange, IKE_SA_INIT);
	kp = ike_find(&m, PL_KE);
	assert_non_null(kp);
	assert_int_equal(ike_parse_ke(kp->body, kp->len, &ke), 0);
	assert_int_equal(ke.group, bad->group);
	assert_int_equal(ke.len, bad->len);
	bad->fill(msg->data + (ke.data - msg->data), ke.len);
	return true;
}

/* Zeroes the responder's SPI (bytes 8 to 15) of B's IKE_SA_INIT
 * response on its way to A. */
static bool zero_responder_spi(struct ike_pair *p, int sender,
                               struct pair_msg *msg)
{
	if (sender == PAIR_B && msg->len > 28 && msg->data[18] == IKE_SA_INIT)
		memset(msg->data + 8, 0, 8);
	return true;
}

/* An IKE_SA_INIT response that accepts a proposal with responder SPI 0 is
 * rejected: A sets up no IKE SA and requests no AUTH value from the keeper. */
static void zero_responder_spi_rejected(void **state)
{
	(void)state;
	struct ike_pair *p = make_pair(AEAD_IKE, AEAD_ESP, AEAD_IKE, AEAD_ESP,
	                               PSK);
	struct pair_side *a = &p->side[PAIR_A];

	p->filter = zero_responder_spi;
	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(a->n_sent, 1);
	assert_int_equal(a->n_up, 0);
	assert_null(a->eng.sas);
	pair_free(p);
}

/* Replaces A's IKE_AUTH request by one that decrypts and verifies but
 * whose inner payload claims more bytes than it has. */
static bool break_auth_chain(struct ike_pair *p, int sender,
                             struct pair_msg *msg)
{
	struct ike_header h;
	static const uint8_t overrun[8] = {0, 0, 0x01, 0x00, 1, 0, 0, 0};

	if (sender != PAIR_A || msg->len < 28 || msg->data[18] != IKE_AUTH)
		return true;
	assert_int_equal(ike_parse_header(msg->data, msg->len, &h), 0);
	assert_int_equal(sk_seal(pair_sa(p, PAIR_A)->sk_out, &h, PL_IDI,
	                         overrun, sizeof(overrun), msg->data,
	                         sizeof(msg->data), &msg->len),
	                 0);
	return true;
}

/* An authentic IKE_AUTH request with a malformed inner chain gets
 * INVALID_SYNTAX, is counted, and ends the responder's IKE SA. */
static void malformed_auth_gets_invalid_syntax(void **state)
{
	(void)state;
	struct ike_pair *p = make_pair(AEAD_IKE, AEAD_ESP, AEAD_IKE, AEAD_ESP,
	                               PSK);
	struct pair_side *b = &p->side[PAIR_B];
	uint8_t buf[IKE_MAX_MESSAGE];
	struct ike_message m;

	p->filter = break_auth_chain;
	pair_initiate(p);
	/* IKE_SA_INIT both ways, then the broken IKE_AUTH to B. */
	assert_true(pair_step(p, PAIR_A));
	assert_true(pair_step(p, PAIR_B));
	assert_true(pair_step(p, PAIR_A));
	assert_int_equal(b->n_sent, 2);
	pair_open(p, PAIR_A, &b->history[1], buf, &m);
	assert_int_equal(m.hdr.exchange, IKE_AUTH);
	assert_true(m.hdr.flags & IKE_FLAG_RESPONSE);
	assert_true(pair_has_notify(&m, N_INVALID_SYNTAX));
	assert_int_equal(b->eng.ike_drops[IKE_DROP_MALFORMED], 1);
	assert_int_equal(b->n_up, 0);
	pair_pump(p);
	assert_int_equal(pair_count_sas(p, PAIR_B), 0);
	pair_free(p);
}

static void invalid_public_value_no_sa(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_kes) / sizeof(bad_kes[0]); i++) {
		struct ike_pair *p = make_pair(bad_kes[i].ike, AEAD_ESP,
		                               bad_kes[i].ike, AEAD_ESP, PSK);
		struct pair_side *a = &p->side[PAIR_A], *b = &p->side[PAIR_B];
		struct ike_message m;
		struct ike_notify n;

		print_message("group %u\n", bad_kes[i].group);
		p->filter = replace_ke;
		p->filter_data = (void *)&bad_kes[i];
		pair_initiate(p);
		pair_pump(p);

		/* B may stay silent, but a response must be an error notify. */
		assert_true(b->n_sent <= 1);
		if (b->n_sent == 1) {
			parse_init(&b->history[0], &m);
			assert_true(m.hdr.flags & IKE_FLAG_RESPONSE);
			assert_int_not_equal(ike_first_error(&m, &n), 0);
			assert_null(ike_find(&m, PL_KE));
			assert_null(ike_find(&m, PL_SA));
		}
		assert_null(b->eng.sas);
		assert_int_equal(a->n_sent, 1);
		assert_int_equal(a->n_up, 0);
		assert_int_equal(b->n_up, 0);
		if (b->n_sent == 1)
			assert_null(a->eng.sas);
		pair_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(invalid_ke_retries_with_group),
	        cmocka_unit_test(disjoint_proposals_no_sa),
	        cmocka_unit_test(wrong_psk_fails_auth),
	        cmocka_unit_test(esp_mismatch_keeps_ike_sa),
	        cmocka_unit_test(unexpected_responder_id_fails),
	        cmocka_unit_test(invalid_public_value_no_sa),
	        cmocka_unit_test(zero_responder_spi_rejected),
	        cmocka_unit_test(malformed_auth_gets_invalid_syntax),
	};

	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
