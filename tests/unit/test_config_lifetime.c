// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lifetime keys of a connection: defaults, values and ordering errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

static int load(const char *extra, struct cfg *cfg, char *err, size_t len)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "secrets = \"t.secrets\";\n"
		 "realms = ({ name = \"r\"; tun = \"crest0\";\n"
		 "  connections = ({ name = \"c\";\n"
		 "    local = \"192.0.2.1\"; remote = \"192.0.2.2\";\n"
		 "    ike_proposals = [ \"aes256gcm16-prfsha256-x25519\" ];\n"
		 "    esp_proposals = [ \"aes256gcm16\" ];\n"
		 "    local_ts = [ \"198.51.100.0/24\" ];\n"
		 "    remote_ts = [ \"203.0.113.0/24\" ];\n"
		 "    %s\n"
		 "  });\n"
		 "});\n",
		 extra);
	return config_load_string(text, "t.conf", cfg, err, len);
}

static void defaults_follow_strongswan(void **state)
{
	struct cfg cfg;
	char err[512];
	assert_int_equal(load("", &cfg, err, sizeof(err)), 0);
	const struct cfg_conn *c = &cfg.realms[0].conns[0];
	assert_int_equal(c->ike_rekey_ms, 4 * 3600 * 1000);
	assert_int_equal(c->ike_life_ms, 4 * 3600 * 1000 + 1440 * 1000);
	assert_int_equal(c->child_rekey_ms, 3600 * 1000);
	assert_int_equal(c->child_life_ms, 3960 * 1000);
	assert_int_equal(c->rand_ms, 360 * 1000);
	assert_int_equal(c->child_rekey_bytes, 0);
	assert_int_equal(c->child_life_packets, 0);
	config_free(&cfg);
}

static void values_are_read(void **state)
{
	struct cfg cfg;
	char err[512];
	assert_int_equal(load("ike_rekey_time = 12; ike_life_time = 20; "
			      "rekey_time = 8.5; life_time = 10; "
			      "rand_time = 0; rekey_bytes = 1000000; "
			      "life_bytes = 2000000; rekey_packets = 100; "
			      "life_packets = 200;",
			      &cfg, err, sizeof(err)),
			 0);
	const struct cfg_conn *c = &cfg.realms[0].conns[0];
	assert_int_equal(c->ike_rekey_ms, 12000);
	assert_int_equal(c->ike_life_ms, 20000);
	assert_int_equal(c->child_rekey_ms, 8500);
	assert_int_equal(c->child_life_ms, 10000);
	assert_int_equal(c->rand_ms, 0);
	assert_int_equal(c->child_rekey_bytes, 1000000);
	assert_int_equal(c->child_life_bytes, 2000000);
	assert_int_equal(c->child_rekey_packets, 100);
	assert_int_equal(c->child_life_packets, 200);
	config_free(&cfg);
}

static void hard_below_soft_is_rejected(void **state)
{
	static const char *const cases[][2] = {
		{ "rekey_time = 10; life_time = 5;", "life_time" },
		{ "ike_rekey_time = 10; ike_life_time = 10;", "ike_life_time" },
		{ "rekey_bytes = 100; life_bytes = 50;", "life_bytes" },
		{ "rekey_packets = 9; life_packets = 9;", "life_packets" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg cfg;
		char err[512];
		assert_int_equal(load(cases[i][0], &cfg, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "t.conf:"));
		assert_non_null(strstr(err, cases[i][1]));
	}
}

static void zero_time_is_rejected(void **state)
{
	struct cfg cfg;
	char err[512];
	assert_int_equal(load("rekey_time = 0;", &cfg, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "rekey_time"));
}

static void liveness_defaults_follow_start_action(void **state)
{
	static const struct {
		const char *extra;
		enum sa_action dpd;
	} cases[] = {
		{ "", SA_ACTION_CLEAR },
		{ "start_action = \"initiate\";", SA_ACTION_RESTART },
		{ "start_action = \"trap\";", SA_ACTION_HOLD },
		{ "start_action = \"trap\"; dpd_action = \"clear\";",
		  SA_ACTION_CLEAR },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg cfg;
		char err[512];
		assert_int_equal(load(cases[i].extra, &cfg, err, sizeof(err)),
				 0);
		const struct cfg_conn *c = &cfg.realms[0].conns[0];
		assert_int_equal(c->dpd_delay_ms, 30000);
		assert_int_equal(c->dpd_action, cases[i].dpd);
		assert_int_equal(c->close_action, SA_ACTION_NONE);
		config_free(&cfg);
	}
}

static void liveness_values_and_errors(void **state)
{
	struct cfg cfg;
	char err[512];
	assert_int_equal(load("dpd_delay = 0; close_action = \"restart\";",
			      &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.realms[0].conns[0].dpd_delay_ms, 0);
	assert_int_equal(cfg.realms[0].conns[0].close_action,
			 SA_ACTION_RESTART);
	config_free(&cfg);

	assert_int_equal(load("dpd_action = \"none\";", &cfg, err,
			      sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "dpd_action"));
	assert_non_null(strstr(err, "\"none\""));
	assert_int_equal(load("start_action = \"later\";", &cfg, err,
			      sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "trap"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_follow_strongswan),
		cmocka_unit_test(values_are_read),
		cmocka_unit_test(hard_below_soft_is_rejected),
		cmocka_unit_test(zero_time_is_rejected),
		cmocka_unit_test(liveness_defaults_follow_start_action),
		cmocka_unit_test(liveness_values_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
