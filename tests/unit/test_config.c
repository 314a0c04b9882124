// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Configuration loading: defaults, every key, and the error for each
 * invalid input, including its line number and the offending value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config_expect.h"
#include "crypto/ids.h"
#include "util/log.h"

/* The base document, one setting per line, so each line number is fixed.
 * A test replaces a line by its key; "#" lines are placeholders. */
struct line {
	const char *key;
	const char *text;
};

static const struct line base[] = {
        {"secrets", "secrets = \"t.secrets\";"},   /* 1 */
        {"top.extra", "#"},                        /* 2 */
        {NULL, "realms = ("},                      /* 3 */
        {NULL, " {"},                              /* 4 */
        {"realm.name", "  name = \"site\";"},      /* 5 */
        {"tun", "  tun = \"crest0\";"},            /* 6 */
        {"realm.extra", "#"},                      /* 7 */
        {NULL, "  connections = ("},               /* 8 */
        {NULL, "   {"},                            /* 9 */
        {"name", "    name = \"c1\";"},            /* 10 */
        {"local", "    local = \"192.0.2.1\";"},   /* 11 */
        {"remote", "    remote = \"192.0.2.2\";"}, /* 12 */
        {"ike_proposals",
         "    ike_proposals = [ \"aes256gcm16-prfsha256-x25519\" ];"}, /* 13 */
        {"esp_proposals", "    esp_proposals = [ \"aes256gcm16\" ];"}, /* 14 */
        {"local_ts", "    local_ts = [ \"198.51.100.0/24\" ];"},       /* 15 */
        {"remote_ts", "    remote_ts = [ \"203.0.113.0/24\" ];"},      /* 16 */
        {"extra", "#"},                                                /* 17 */
        {NULL, "   }"},                                                /* 18 */
        {NULL, "  );"},                                                /* 19 */
        {NULL, " }"},                                                  /* 20 */
        {NULL, ");"},                                                  /* 21 */
};

#define LINE_TOP_EXTRA   2
#define LINE_REALM       4
#define LINE_REALM_EXTRA 7
#define LINE_CONN        9
#define LINE_LOCAL       11
#define LINE_REMOTE      12
#define LINE_IKE         13
#define LINE_LOCAL_TS    15
#define LINE_EXTRA       17

/* Builds the base document with up to two lines replaced. */
static char *build(const char *key1, const char *text1, const char *key2,
                   const char *text2)
{
	static char buf[8192];
	size_t used = 0;

	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		const char *text = base[i].text;
		if (base[i].key && key1 && strcmp(base[i].key, key1) == 0)
			text = text1;
		if (base[i].key && key2 && strcmp(base[i].key, key2) == 0)
			text = text2;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s\n",
		                         text);
		assert_true(used < sizeof(buf));
	}
	return buf;
}

static struct cfg load_ok(const char *text)
{
	struct cfg cfg;
	char err[1024] = "";
	int rc = config_load_string(text, "dir/t.conf", &cfg, err, sizeof(err));
	if (rc != 0)
		fail_msg("unexpected error: %s", err);
	return cfg;
}

static void expect_line_error(const char *key, const char *text, int line,
                              const char *needle)
{
	expect_error(build(key, text, NULL, NULL), line, needle);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* The built connection has gateways 192.0.2.1 and 192.0.2.2. */
static void gateway_found_in_selector(void **state)
{
	struct cfg cfg = load_ok(build(NULL, NULL, NULL, NULL));
	const struct cfg_conn *c = &cfg.realms[0].conns[0];
	const uint8_t net[4] = {192, 0, 2, 0}, peer[4] = {192, 0, 2, 2};
	const uint8_t other[4] = {203, 0, 113, 0};
	struct traffic_selector ts;

	assert_ptr_equal(config_find_conn(&cfg, c->name), c);
	assert_null(config_find_conn(&cfg, "no-such-connection"));

	assert_int_equal(ts_from_prefix(AF_INET, net, 24, &ts), 0);
	assert_ptr_equal(config_gateway_in(c, &ts), &c->local_addr);
	assert_int_equal(ts_from_prefix(AF_INET, peer, 32, &ts), 0);
	assert_ptr_equal(config_gateway_in(c, &ts), &c->remote_addr);
	assert_int_equal(ts_from_prefix(AF_INET, other, 24, &ts), 0);
	assert_null(config_gateway_in(c, &ts));
	config_free(&cfg);
}

static void defaults_applied(void **state)
{
	struct cfg cfg = load_ok(build(NULL, NULL, NULL, NULL));
	const uint8_t a[4] = {192, 0, 2, 1}, b[4] = {192, 0, 2, 2};

	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_string_equal(cfg.path, "dir/t.conf");
	assert_string_equal(cfg.secrets_path, "dir/t.secrets");
	assert_int_equal(cfg.n_realms, 1);

	struct cfg_realm *r = &cfg.realms[0];
	assert_string_equal(r->name, "site");
	assert_string_equal(r->tun_name, "crest0");
	assert_int_equal(r->n_inner, 0);
	assert_int_equal(r->mtu, 0);
	assert_int_equal(r->path_mtu, 1500);
	assert_int_equal(r->n_conns, 1);

	struct cfg_conn *c = &r->conns[0];
	assert_ptr_equal(c->realm, r);
	assert_string_equal(c->name, "c1");
	assert_int_equal(c->local_addr.ss_family, AF_INET);
	assert_int_equal(port_of(&c->local_addr), 500);
	assert_int_equal(port_of(&c->remote_addr), 500);
	assert_int_equal(c->local_id.type, ID_IPV4_ADDR);
	assert_int_equal(c->local_id.len, 4);
	assert_memory_equal(c->local_id.data, a, 4);
	assert_string_equal(c->local_id.text, "192.0.2.1");
	assert_int_equal(c->remote_id.type, ID_IPV4_ADDR);
	assert_memory_equal(c->remote_id.data, b, 4);
	assert_int_equal(c->auth, AUTH_METHOD_PSK);
	assert_int_equal(c->start_action, START_ACTION_WAIT);
	assert_false(c->force_encap);
	assert_int_equal(c->retransmit_timeout_ms, 1000);
	assert_int_equal(c->retransmit_tries, 5);
	assert_int_equal(c->retransmit_giveup_ms, 60000);
	assert_int_equal(c->keepalive_interval_s, 20);
	assert_int_equal(c->log_level, -1);
	assert_int_equal(c->n_ike_proposals, 1);
	assert_int_equal(c->n_esp_proposals, 1);
	assert_int_equal(c->esp_proposals[0].n_esn, 1);
	assert_int_equal(c->esp_proposals[0].esn[0], ESN_NO);
	assert_int_equal(c->n_local_ts, 1);
	assert_int_equal(c->local_ts[0].type, TS_IPV4_ADDR_RANGE);
	assert_int_equal(c->local_ts[0].start[2], 100);
	assert_int_equal(c->local_ts[0].end[3], 255);
	assert_int_equal(c->n_remote_ts, 1);
	assert_int_equal(c->remote_ts[0].start[0], 203);
	config_free(&cfg);
}

static void every_key_set(void **state)
{
	const char *top = "log_level = \"debug\";";
	const char *conn =
	        "local_id = \"fqdn:gw-a.example.org\"; "
	        "remote_id = \"email:b@example.org\"; auth = \"psk\"; "
	        "start_action = \"initiate\"; encap = true; "
	        "retransmit_timeout = 0.5; retransmit_tries = 3; "
	        "retransmit_giveup = 30; keepalive = 0; log_level = \"trace\";";
	char text[8192];

	snprintf(text, sizeof(text), "%s",
	         build("top.extra", top, "extra", conn));
	struct cfg cfg = load_ok(text);
	struct cfg_conn *c = &cfg.realms[0].conns[0];

	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(c->local_id.type, ID_FQDN);
	assert_int_equal(c->local_id.len, strlen("gw-a.example.org"));
	assert_memory_equal(c->local_id.data, "gw-a.example.org", 16);
	assert_int_equal(c->remote_id.type, ID_RFC822_ADDR);
	assert_int_equal(c->start_action, START_ACTION_INITIATE);
	assert_true(c->force_encap);
	assert_int_equal(c->retransmit_timeout_ms, 500);
	assert_int_equal(c->retransmit_tries, 3);
	assert_int_equal(c->retransmit_giveup_ms, 30000);
	assert_int_equal(c->keepalive_interval_s, 0);
	assert_int_equal(c->log_level, LOG_TRACE);
	config_free(&cfg);
}

static void realm_inner_and_mtu(void **state)
{
	const char *realm = "  inner = [ \"198.51.100.1/24\", "
	                    "\"2001:db8:a::1/64\" ]; mtu = 1400; "
	                    "path_mtu = 9000;";
	struct cfg cfg = load_ok(build("realm.extra", realm, NULL, NULL));
	struct cfg_realm *r = &cfg.realms[0];

	assert_int_equal(r->n_inner, 2);
	assert_int_equal(r->inner[0].family, AF_INET);
	assert_int_equal(r->inner[0].prefix, 24);
	assert_int_equal(r->inner[0].addr[3], 1);
	assert_int_equal(r->inner[1].family, AF_INET6);
	assert_int_equal(r->inner[1].prefix, 64);
	assert_int_equal(r->inner[1].addr[15], 1);
	assert_int_equal(r->mtu, 1400);
	assert_int_equal(r->path_mtu, 9000);
	config_free(&cfg);
}

static void endpoints_with_ports(void **state)
{
	struct cfg cfg =
	        load_ok(build("local", "local = \"[2001:db8:1::1]:4500\";",
	                      "remote", "remote = \"2001:db8:2::2\";"));
	struct cfg_conn *c = &cfg.realms[0].conns[0];

	assert_int_equal(c->local_addr.ss_family, AF_INET6);
	assert_int_equal(port_of(&c->local_addr), 4500);
	assert_int_equal(port_of(&c->remote_addr), 500);
	assert_int_equal(c->local_id.type, ID_IPV6_ADDR);
	assert_int_equal(c->local_id.len, 16);
	assert_int_equal(c->local_id.data[15], 1);
	config_free(&cfg);

	cfg = load_ok(build("local", "local = \"192.0.2.1:600\";", NULL, NULL));
	assert_int_equal(port_of(&cfg.realms[0].conns[0].local_addr), 600);
	config_free(&cfg);
}

static void secrets_path_resolution(void **state)
{
	struct cfg cfg;
	char err[512];

	assert_int_equal(
	        config_load_string(build("secrets",
	                                 "secrets = \"/etc/x.secrets\";", NULL,
	                                 NULL),
	                           "dir/t.conf", &cfg, err, sizeof(err)),
	        0);
	assert_string_equal(cfg.secrets_path, "/etc/x.secrets");
	config_free(&cfg);

	assert_int_equal(config_load_string(build(NULL, NULL, NULL, NULL),
	                                    "t.conf", &cfg, err, sizeof(err)),
	                 0);
	assert_string_equal(cfg.secrets_path, "t.secrets");
	config_free(&cfg);
}

static void missing_required_keys(void **state)
{
	static const struct {
		const char *key;
		int line;
	} cases[] = {
	        {"secrets", 0},
	        {"realm.name", LINE_REALM},
	        {"tun", LINE_REALM},
	        {"name", LINE_CONN},
	        {"local", LINE_CONN},
	        {"remote", LINE_CONN},
	        {"ike_proposals", LINE_CONN},
	        {"esp_proposals", LINE_CONN},
	        {"local_ts", LINE_CONN},
	        {"remote_ts", LINE_CONN},
	};
	struct cfg cfg;
	char err[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *key = cases[i].key;
		const char *name = strchr(key, '.') ? "name" : key;
		char needle[64];
		snprintf(needle, sizeof(needle), "missing required key \"%s\"",
		         name);
		if (cases[i].line > 0) {
			expect_line_error(key, "#", cases[i].line, needle);
			continue;
		}
		/* The root group has no line, so the message starts with
		 * the file name alone. */
		assert_int_equal(config_load_string(build(key, "#", NULL, NULL),
		                                    "t.conf", &cfg, err,
		                                    sizeof(err)),
		                 -EINVAL);
		assert_non_null(strstr(err, "t.conf: "));
		assert_non_null(strstr(err, needle));
	}
}

static void missing_realms_rejected(void **state)
{
	struct cfg cfg;
	char err[512];

	assert_int_equal(config_load_string("secrets = \"s\";\n", "t.conf",
	                                    &cfg, err, sizeof(err)),
	                 -EINVAL);
	assert_non_null(strstr(err, "missing required key \"realms\""));
	expect_error("secrets = \"s\";\nrealms = ( );\n", 2, "non-empty");
}

static void unknown_keys_rejected(void **state)
{
	expect_line_error("extra", "remot = \"192.0.2.2\";", LINE_EXTRA,
	                  "unknown key \"remot\"");
	expect_line_error("realm.extra", "tunn = \"x\";", LINE_REALM_EXTRA,
	                  "unknown key \"tunn\"");
	expect_line_error("top.extra", "loglevel = \"info\";", LINE_TOP_EXTRA,
	                  "unknown key \"loglevel\"");
	/* The list of valid keys is whole, up to the last one. */
	expect_line_error("extra", "remot = \"192.0.2.2\";", LINE_EXTRA,
	                  "log_level, children");
}

static void bad_addresses_rejected(void **state)
{
	expect_line_error("local", "local = \"192.0.2.300\";", LINE_LOCAL,
	                  "\"192.0.2.300\"");
	expect_line_error("local", "local = \"192.0.2.1:0\";", LINE_LOCAL,
	                  "\"192.0.2.1:0\"");
	expect_line_error("local", "local = \"192.0.2.1:65536\";", LINE_LOCAL,
	                  "\"192.0.2.1:65536\"");
	expect_line_error("local", "local = \"[192.0.2.1]:500\";", LINE_LOCAL,
	                  "\"[192.0.2.1]:500\"");
	expect_line_error("local", "local = \"gw.example.org\";", LINE_LOCAL,
	                  "\"gw.example.org\"");
	expect_line_error("local", "local = 5;", LINE_LOCAL,
	                  "local must be a string");
	expect_line_error("remote", "remote = \"2001:db8::2\";", LINE_REMOTE,
	                  "different address families");
}

static void traffic_selectors_checked(void **state)
{
	expect_line_error("local_ts", "local_ts = [ \"198.51.100.0/33\" ];",
	                  LINE_LOCAL_TS, "\"198.51.100.0/33\"");
	expect_line_error("local_ts", "local_ts = [ \"2001:db8::/129\" ];",
	                  LINE_LOCAL_TS, "\"2001:db8::/129\"");
	expect_line_error("local_ts", "local_ts = [ \"198.51.100.1/24\" ];",
	                  LINE_LOCAL_TS, "\"198.51.100.1/24\"");
	expect_line_error("local_ts", "local_ts = [ \"198.51.100.0/x\" ];",
	                  LINE_LOCAL_TS, "\"198.51.100.0/x\"");
	expect_line_error("local_ts", "local_ts = [ ];", LINE_LOCAL_TS,
	                  "empty");
	expect_line_error("local_ts", "local_ts = [ 1 ];", LINE_LOCAL_TS,
	                  "not a string");
	expect_line_error("local_ts",
	                  "local_ts = [ \"10.0.0.0/8\", \"10.1.0.0/16\", "
	                  "\"10.2.0.0/16\", \"10.3.0.0/16\", \"10.4.0.0/16\", "
	                  "\"10.5.0.0/16\", \"10.6.0.0/16\", \"10.7.0.0/16\", "
	                  "\"10.8.0.0/16\" ];",
	                  LINE_LOCAL_TS, "at most 8");

	struct cfg cfg = load_ok(build("local_ts",
	                               "local_ts = [ \"0.0.0.0/0\", "
	                               "\"2001:db8:a::/64\" ];",
	                               NULL, NULL));
	struct cfg_conn *c = &cfg.realms[0].conns[0];
	assert_int_equal(c->n_local_ts, 2);
	assert_int_equal(c->local_ts[0].end[0], 255);
	assert_int_equal(c->local_ts[1].type, TS_IPV6_ADDR_RANGE);
	config_free(&cfg);
}

static void proposals_checked(void **state)
{
	expect_line_error("ike_proposals",
	                  "ike_proposals = [ \"aes256-sha1-x25519\" ];",
	                  LINE_IKE, "\"sha1\"");
	expect_line_error("ike_proposals",
	                  "ike_proposals = [ \"aes256gcm16-prfsha256\" ];",
	                  LINE_IKE, "key exchange");
	expect_line_error(
	        "ike_proposals",
	        "ike_proposals = [ \"a\", \"b\", \"c\", \"d\", \"e\", "
	        "\"f\", \"g\", \"h\", \"i\" ];",
	        LINE_IKE, "at most 8");
	expect_line_error("ike_proposals",
	                  "ike_proposals = \"aes256gcm16-prfsha256-x25519\";",
	                  LINE_IKE, "list of strings");
}

static void identities_checked(void **state)
{
	expect_line_error("extra", "local_id = \"gw.example.org\";", LINE_EXTRA,
	                  "\"gw.example.org\"");
	expect_line_error("extra", "remote_id = \"keyid:0x123\";", LINE_EXTRA,
	                  "\"keyid:0x123\"");
}

static void choices_checked(void **state)
{
	expect_line_error("top.extra", "log_level = \"verbose\";",
	                  LINE_TOP_EXTRA, "\"verbose\"");
	expect_line_error("extra", "log_level = \"loud\";", LINE_EXTRA,
	                  "\"loud\"");
	expect_line_error("extra", "start_action = \"go\";", LINE_EXTRA,
	                  "\"go\"");
	expect_line_error("extra", "auth = \"cert\";", LINE_EXTRA, "\"cert\"");
	expect_line_error("extra", "encap = \"yes\";", LINE_EXTRA,
	                  "encap must be true or false");
}

static void names_checked(void **state)
{
	expect_line_error("name", "name = \"to b\";", 10, "\"to b\"");
	expect_line_error("name", "name = \"\";", 10, "invalid name");
	expect_line_error("tun", "tun = \"crest0123456789ab\";", 6,
	                  "\"crest0123456789ab\"");
	expect_line_error("tun", "tun = \".\";", 6, "cannot be");
	/* A value with a newline and U+202E is quoted with '?' for each
	 * such byte. */
	expect_line_error("name", "name = \"a\\nb\xe2\x80\xae\";", 10,
	                  "invalid name \"a?b???\"");
	expect_line_error("tun", "tun = \"..\";", 6, "invalid tun \"..\"");
	expect_line_error("realm.name",
	                  "name = \"a123456789012345678901234567890123456789"
	                  "012345678901234567890123\";",
	                  5, "invalid name");
}

static void timers_checked(void **state)
{
	expect_line_error("extra", "retransmit_timeout = 0.0;", LINE_EXTRA,
	                  "retransmit_timeout = 0 s");
	expect_line_error("extra", "retransmit_timeout = 61;", LINE_EXTRA,
	                  "retransmit_timeout = 61 s");
	expect_line_error("extra", "retransmit_timeout = \"1\";", LINE_EXTRA,
	                  "number of seconds");
	expect_line_error("extra", "retransmit_tries = 21;", LINE_EXTRA,
	                  "retransmit_tries = 21");
	expect_line_error("extra", "retransmit_tries = 1.5;", LINE_EXTRA,
	                  "must be an integer");
	expect_line_error("extra", "retransmit_giveup = 0.5;", LINE_EXTRA,
	                  "retransmit_giveup = 0.5 s");
	expect_line_error("extra",
	                  "retransmit_timeout = 10; retransmit_giveup = 5;",
	                  LINE_CONN, "raise retransmit_giveup");
	expect_line_error("extra", "keepalive = -1;", LINE_EXTRA,
	                  "keepalive = -1");
	expect_line_error("extra", "keepalive = 3601;", LINE_EXTRA,
	                  "keepalive = 3601");
}

static void inner_and_mtu_checked(void **state)
{
	expect_line_error(
	        "realm.extra",
	        "inner = [ \"198.51.100.1/24\", \"198.51.100.2/24\" ];",
	        LINE_REALM_EXTRA, "\"198.51.100.2/24\"");
	expect_line_error("realm.extra",
	                  "inner = [ \"198.51.100.1/24\", \"2001:db8::1/64\", "
	                  "\"10.0.0.1/8\" ];",
	                  LINE_REALM_EXTRA, "at most 2");
	expect_line_error("realm.extra", "inner = [ \"2001:db8::1/129\" ];",
	                  LINE_REALM_EXTRA, "\"2001:db8::1/129\"");
	expect_line_error("realm.extra", "inner = [ \"198.51.100.x/24\" ];",
	                  LINE_REALM_EXTRA, "\"198.51.100.x/24\"");
	expect_line_error("realm.extra", "mtu = 500;", LINE_REALM_EXTRA,
	                  "mtu = 500");
	expect_line_error("realm.extra", "mtu = 9001;", LINE_REALM_EXTRA,
	                  "mtu = 9001");
	expect_line_error("realm.extra",
	                  "inner = [ \"2001:db8::1/64\" ]; mtu = 1000;",
	                  LINE_REALM_EXTRA, "mtu = 1000 is too small");
	expect_line_error("realm.extra", "path_mtu = 100;", LINE_REALM_EXTRA,
	                  "path_mtu = 100");

	struct cfg cfg =
	        load_ok(build("realm.extra", "mtu = 576;", NULL, NULL));
	assert_int_equal(cfg.realms[0].mtu, 576);
	config_free(&cfg);
}

static const char two_realms_fmt[] =
        "secrets = \"s\";\n"
        "realms = (\n"
        " { name = \"%s\"; tun = \"%s\";\n"
        "   connections = ( { name = \"%s\"; local = \"192.0.2.1\";\n"
        "     remote = \"192.0.2.2\"; ike_proposals = [ \"aes256gcm16-"
        "prfsha256-x25519\" ];\n"
        "     esp_proposals = [ \"aes256gcm16\" ]; local_ts = [ \"10.0.0.0/8\" "
        "];\n"
        "     remote_ts = [ \"10.1.0.0/16\" ]; } ); },\n"
        " { name = \"%s\"; tun = \"%s\";\n" /* line 8 */
        "   connections = ( { name = \"%s\"; local = \"192.0.2.1\";\n"
        "     remote = \"192.0.2.3\"; ike_proposals = [ \"aes256gcm16-"
        "prfsha256-x25519\" ];\n"
        "     esp_proposals = [ \"aes256gcm16\" ]; local_ts = [ \"10.0.0.0/8\" "
        "];\n"
        "     remote_ts = [ \"10.2.0.0/16\" ]; } ); }\n"
        ");\n";

static void duplicates_rejected(void **state)
{
	char text[4096];

	snprintf(text, sizeof(text), two_realms_fmt, "r1", "t1", "c1", "r2",
	         "t2", "c2");
	struct cfg cfg = load_ok(text);
	assert_int_equal(cfg.n_realms, 2);
	assert_ptr_equal(cfg.realms[1].conns[0].realm, &cfg.realms[1]);
	config_free(&cfg);

	snprintf(text, sizeof(text), two_realms_fmt, "r1", "t1", "c1", "r1",
	         "t2", "c2");
	expect_error(text, 8, "duplicate realm name \"r1\"");
	snprintf(text, sizeof(text), two_realms_fmt, "r1", "t1", "c1", "r2",
	         "t1", "c2");
	expect_error(text, 8, "TUN device \"t1\"");
	snprintf(text, sizeof(text), two_realms_fmt, "r1", "t1", "c1", "r2",
	         "t2", "c1");
	expect_error(text, 9, "duplicate connection name \"c1\"");
}

static void count_limits_enforced(void **state)
{
	size_t len = 64 * 1024;
	char *text = malloc(len);
	size_t used = 0;

	assert_non_null(text);
	used += (size_t)snprintf(text, len, "secrets = \"s\";\nrealms = (\n");
	for (int i = 0; i <= CFG_MAX_REALMS; i++)
		used += (size_t)snprintf(
		        text + used, len - used,
		        "%s{ name = \"r%d\"; tun = \"t%d\"; }\n", i ? "," : "",
		        i, i);
	snprintf(text + used, len - used, ");\n");
	expect_error(text, 2, "at most 16");

	used = (size_t)snprintf(text, len,
	                        "secrets = \"s\";\nrealms = ( { name = \"r\";"
	                        " tun = \"t\";\nconnections = (\n");
	for (int i = 0; i <= CFG_MAX_CONNS; i++)
		used += (size_t)snprintf(text + used, len - used,
		                         "%s{ name = \"c%d\"; }\n",
		                         i ? "," : "", i);
	snprintf(text + used, len - used, "); } );\n");
	expect_error(text, 3, "at most 64");
	free(text);
}

static void syntax_errors_reported(void **state)
{
	expect_error("secrets = \"s\";\nrealms = ( { name = ; } );\n", 2,
	             "syntax error");
	expect_error("secrets = \"s\";\n  @include \"/etc/passwd\"\n", 2,
	             "@include");
	expect_error("secrets = \"s\";\nsecrets = \"t\";\n", 2, "duplicate");
}

static void failed_load_leaves_output(void **state)
{
	struct cfg cfg, before;
	char err[512];

	memset(&cfg, 0xab, sizeof(cfg));
	memcpy(&before, &cfg, sizeof(cfg));
	assert_int_equal(config_load_string(
	                         build("extra", "keepalive = -1;", NULL, NULL),
	                         "t.conf", &cfg, err, sizeof(err)),
	                 -EINVAL);
	assert_memory_equal(&cfg, &before, sizeof(cfg));

	assert_int_equal(
	        config_load("/nonexistent/crest.conf", &cfg, err, sizeof(err)),
	        -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/crest.conf"));
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void examples_load(void **state)
{
	static const char *const names[] = {"gw-a.conf", "gw-b.conf"};
	char path[4096], err[1024] = "";

	for (size_t i = 0; i < 2; i++) {
		struct cfg cfg;
		snprintf(path, sizeof(path), "%s/../../docs/examples/%s",
		         CREST_TEST_DATA, names[i]);
		int rc = config_load(path, &cfg, err, sizeof(err));
		if (rc != 0)
			fail_msg("%s: %s", names[i], err);
		assert_string_equal(cfg.path, path);
		assert_non_null(strstr(cfg.secrets_path, "/docs/examples/gw-"));
		struct cfg_conn *c = &cfg.realms[0].conns[0];
		assert_int_equal(cfg.realms[0].n_inner, 2);
		assert_int_equal(c->n_local_ts, 2);
		assert_int_equal(c->n_remote_ts, 2);
		assert_int_equal(c->start_action, i == 0 ? START_ACTION_INITIATE
		                                         : START_ACTION_WAIT);
		config_free(&cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(defaults_applied),
	        cmocka_unit_test(gateway_found_in_selector),
	        cmocka_unit_test(every_key_set),
	        cmocka_unit_test(realm_inner_and_mtu),
	        cmocka_unit_test(endpoints_with_ports),
	        cmocka_unit_test(secrets_path_resolution),
	        cmocka_unit_test(missing_required_keys),
	        cmocka_unit_test(missing_realms_rejected),
	        cmocka_unit_test(unknown_keys_rejected),
	        cmocka_unit_test(bad_addresses_rejected),
	        cmocka_unit_test(traffic_selectors_checked),
	        cmocka_unit_test(proposals_checked),
	        cmocka_unit_test(identities_checked),
	        cmocka_unit_test(choices_checked),
	        cmocka_unit_test(names_checked),
	        cmocka_unit_test(timers_checked),
	        cmocka_unit_test(inner_and_mtu_checked),
	        cmocka_unit_test(duplicates_rejected),
	        cmocka_unit_test(count_limits_enforced),
	        cmocka_unit_test(syntax_errors_reported),
	        cmocka_unit_test(failed_load_leaves_output),
	        cmocka_unit_test(examples_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
