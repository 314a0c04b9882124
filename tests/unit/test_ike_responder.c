// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The responder's answers to IKE_SA_INIT requests captured from Openswan's
 * unit tests (lp08-parentR1): a valid request, one crest must ask to redo
 * with another group, requests it cannot accept and a corrupted one.
 * Every rejection is one notify and leaves no IKE SA behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>

#include "config/config.h"
#include "config/secrets.h"
#include "ike/engine.h"
#include "ike/handler.h"

struct sent {
	uint8_t msg[4096];
	size_t len;
	unsigned count;
};

static struct sent last;

static int capture(void *io, const struct sockaddr_storage *local,
		   const struct sockaddr_storage *remote, bool natt,
		   const uint8_t *msg, size_t len)
{
	assert_true(len <= sizeof(last.msg));
	memcpy(last.msg, msg, len);
	last.len = len;
	last.count++;
	return 0;
}

static const struct ike_engine_ops ops = { .send = capture };

static const char *config_text(const char *ike)
{
	static char buf[2048];
	snprintf(buf, sizeof(buf),
		 "secrets = \"unused.secrets\";\n"
		 "realms = ({ name = \"r\"; tun = \"crest0\";\n"
		 "  inner = [ \"203.0.113.1/24\" ];\n"
		 "  connections = ({ name = \"lp08\";\n"
		 "    local = \"192.0.2.2\"; remote = \"192.0.2.1\";\n"
		 "    auth = \"psk\";\n"
		 "    ike_proposals = [ \"%s\" ];\n"
		 "    esp_proposals = [ \"aes128-sha256\" ];\n"
		 "    local_ts = [ \"203.0.113.0/24\" ];\n"
		 "    remote_ts = [ \"198.51.100.0/24\" ];\n"
		 "  });\n"
		 "});\n",
		 ike);
	return buf;
}

static void addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/ike/%s", CREST_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* Feeds one captured request to a fresh responder. */
static void respond(const char *ike, uint8_t *msg, size_t len,
		    struct ike_engine *eng, struct cfg *cfg)
{
	static const struct secrets no_secrets;
	char err[512];
	assert_int_equal(config_load_string(config_text(ike), "test.conf", cfg,
					    err, sizeof(err)),
			 0);
	ike_engine_init(eng, cfg, &no_secrets, &ops, NULL);
	memset(&last, 0, sizeof(last));

	struct sockaddr_storage from, to;
	addr(&from, "192.0.2.1", 500);
	addr(&to, "192.0.2.2", 500);
	ike_engine_input(eng, msg, len, &from, &to, false);
}

/* Parses the single response and returns its one notify type. */
static uint16_t only_notify(struct ike_message *m)
{
	struct ike_notify n;
	assert_int_equal(last.count, 1);
	assert_int_equal(ike_parse_message(last.msg, last.len, m), 0);
	assert_true(m->hdr.flags & IKE_FLAG_RESPONSE);
	assert_int_equal(m->n_payloads, 1);
	assert_int_equal(m->payloads[0].type, PL_NOTIFY);
	assert_int_equal(ike_parse_notify(m->payloads[0].body,
					  m->payloads[0].len, &n),
			 0);
	return n.type;
}

static void finish(struct ike_engine *eng, struct cfg *cfg)
{
	ike_engine_shutdown(eng);
	config_free(cfg);
}

static void valid_request_gets_sa_ke_nonce(void **state)
{
	uint8_t msg[1024];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;
	struct ike_message m;

	respond("aes128-sha256-prfsha256-modp2048", msg, len, &eng, &cfg);
	assert_int_equal(last.count, 1);
	assert_int_equal(ike_parse_message(last.msg, last.len, &m), 0);
	assert_int_equal(m.hdr.spi_i, 0x8001020304050607ull);
	assert_int_not_equal(m.hdr.spi_r, 0);
	assert_non_null(ike_find(&m, PL_SA));
	assert_non_null(ike_find(&m, PL_KE));
	assert_non_null(ike_find(&m, PL_NONCE));
	assert_non_null(eng.sas);
	assert_int_equal(eng.sas->state, IKE_STATE_INIT_DONE);
	finish(&eng, &cfg);
}

static void other_group_gets_invalid_ke(void **state)
{
	uint8_t msg[1024];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;
	struct ike_message m;
	struct ike_notify n;

	/* The request offers MODP-3072 too, but its KE is MODP-2048. */
	respond("aes128-sha256-prfsha256-modp3072", msg, len, &eng, &cfg);
	assert_int_equal(only_notify(&m), N_INVALID_KE_PAYLOAD);
	assert_int_equal(ike_parse_notify(m.payloads[0].body,
					  m.payloads[0].len, &n),
			 0);
	assert_int_equal(n.len, 2);
	assert_int_equal(get_be16(n.data), DH_MODP3072);
	assert_int_equal(m.hdr.spi_r, 0);
	assert_null(eng.sas);
	finish(&eng, &cfg);
}

static void sha1_only_gets_no_proposal_chosen(void **state)
{
	static const char *const files[] = {
		"lp08-parentR1_parentI1badKE-1.udp.bin",
		"lp08-parentR1_parentI1syntax-1.udp.bin",
	};
	for (size_t i = 0; i < 2; i++) {
		uint8_t msg[1024];
		size_t len = load(files[i], msg, sizeof(msg));
		struct ike_engine eng;
		struct cfg cfg;
		struct ike_message m;

		respond("aes128-sha256-prfsha256-modp2048", msg, len, &eng,
			&cfg);
		assert_int_equal(only_notify(&m), N_NO_PROPOSAL_CHOSEN);
		assert_null(eng.sas);
		finish(&eng, &cfg);
	}
}

static void broken_chain_gets_invalid_syntax(void **state)
{
	uint8_t msg[1024];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;
	struct ike_message m;

	/* The SA payload's length now runs past the end of the message. */
	put_be16(msg + 28 + 2, 0xfff0);
	respond("aes128-sha256-prfsha256-modp2048", msg, len, &eng, &cfg);
	assert_int_equal(only_notify(&m), N_INVALID_SYNTAX);
	assert_null(eng.sas);
	assert_int_equal(eng.ike_drops[IKE_DROP_MALFORMED], 1);
	finish(&eng, &cfg);
}

static void retransmitted_request_gets_same_reply(void **state)
{
	uint8_t msg[1024], first[4096];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;
	struct sockaddr_storage from, to;

	respond("aes128-sha256-prfsha256-modp2048", msg, len, &eng, &cfg);
	assert_int_equal(last.count, 1);
	size_t first_len = last.len;
	memcpy(first, last.msg, first_len);

	addr(&from, "192.0.2.1", 500);
	addr(&to, "192.0.2.2", 500);
	ike_engine_input(&eng, msg, len, &from, &to, false);
	assert_int_equal(last.count, 2);
	assert_int_equal(last.len, first_len);
	assert_memory_equal(last.msg, first, first_len);
	assert_non_null(eng.sas);
	assert_null(eng.sas->next);
	finish(&eng, &cfg);
}

static void major_version_3_gets_invalid_major_version(void **state)
{
	uint8_t msg[1024];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;
	struct ike_message m;

	msg[17] = 0x30;
	respond("aes128-sha256-prfsha256-modp2048", msg, len, &eng, &cfg);
	assert_int_equal(only_notify(&m), N_INVALID_MAJOR_VERSION);
	assert_null(eng.sas);
	finish(&eng, &cfg);
}

static void unknown_peer_gets_nothing(void **state)
{
	uint8_t msg[1024];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;
	static const struct secrets no_secrets;
	char err[512];
	struct sockaddr_storage from, to;

	assert_int_equal(config_load_string(config_text("aes128-sha256-"
							"prfsha256-modp2048"),
					    "test.conf", &cfg, err,
					    sizeof(err)),
			 0);
	ike_engine_init(&eng, &cfg, &no_secrets, &ops, NULL);
	memset(&last, 0, sizeof(last));
	addr(&from, "192.0.2.99", 500);
	addr(&to, "192.0.2.2", 500);
	ike_engine_input(&eng, msg, len, &from, &to, false);
	assert_int_equal(last.count, 0);
	assert_null(eng.sas);
	assert_int_equal(eng.ike_drops[IKE_DROP_NO_CONNECTION], 1);
	finish(&eng, &cfg);
}

/* RFC 7296 3.1: an IKE_SA_INIT request with initiator SPI 0 is dropped
 * and counted, with no response and no SA. */
static void zero_initiator_spi_dropped(void **state)
{
	uint8_t msg[1024];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;

	memset(msg, 0, 8);
	respond("aes128-sha256-prfsha256-modp2048", msg, len, &eng, &cfg);
	assert_int_equal(last.count, 0);
	assert_null(eng.sas);
	assert_int_equal(eng.ike_drops[IKE_DROP_MALFORMED], 1);
	finish(&eng, &cfg);
}

static size_t count_sas(const struct ike_engine *eng)
{
	size_t n = 0;
	for (const struct ike_sa *sa = eng->sas; sa; sa = sa->next)
		n += sa->state != IKE_STATE_DEAD;
	return n;
}

/* IKE_SA_INIT requests that IKE_AUTH never follows: one peer address gets
 * at most IKE_HALF_OPEN_PER_PEER such SAs, further requests are dropped
 * and counted, and the SAs go after IKE_HALF_OPEN_MS. */
static void half_open_sas_limited_and_expired(void **state)
{
	uint8_t msg[1024];
	size_t len = load("lp08-parentR1_parentI1-1.udp.bin", msg,
			  sizeof(msg));
	struct ike_engine eng;
	struct cfg cfg;
	struct sockaddr_storage from, to;

	respond("aes128-sha256-prfsha256-modp2048", msg, len, &eng, &cfg);
	assert_int_equal(count_sas(&eng), 1);
	addr(&from, "192.0.2.1", 500);
	addr(&to, "192.0.2.2", 500);
	for (unsigned i = 1; i < IKE_HALF_OPEN_PER_PEER + 4; i++) {
		msg[6] = (uint8_t)(0x80 | i); /* a new initiator SPI */
		ike_engine_input(&eng, msg, len, &from, &to, false);
	}
	assert_int_equal(count_sas(&eng), IKE_HALF_OPEN_PER_PEER);
	assert_int_equal(eng.ike_drops[IKE_DROP_HALF_OPEN], 4);

	ike_engine_run_timers(&eng, eng.now_ms + IKE_HALF_OPEN_MS - 1000);
	assert_int_equal(count_sas(&eng), IKE_HALF_OPEN_PER_PEER);
	ike_engine_run_timers(&eng, eng.now_ms + 2000);
	assert_int_equal(count_sas(&eng), 0);

	/* Room again for a new request. */
	msg[7] = 0x55;
	ike_engine_input(&eng, msg, len, &from, &to, false);
	assert_int_equal(count_sas(&eng), 1);
	finish(&eng, &cfg);
}

static int setup(void **state)
{
	ike_engine_register_handlers();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_request_gets_sa_ke_nonce),
		cmocka_unit_test(other_group_gets_invalid_ke),
		cmocka_unit_test(sha1_only_gets_no_proposal_chosen),
		cmocka_unit_test(broken_chain_gets_invalid_syntax),
		cmocka_unit_test(retransmitted_request_gets_same_reply),
		cmocka_unit_test(major_version_3_gets_invalid_major_version),
		cmocka_unit_test(unknown_peer_gets_nothing),
		cmocka_unit_test(zero_initiator_spi_dropped),
		cmocka_unit_test(half_open_sas_limited_and_expired),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
