// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The children list of a connection: what each child sets and inherits,
 * the single child of a connection without the list, the start mask, and
 * the error for each invalid list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config_expect.h"
#include "crypto/ids.h"

/*
 * One connection on fixed lines: line 6 contains connection settings, lines 8
 * and 9 one child each, so an error's line number shows which part failed.
 */
static const char doc_fmt[] =
        "secrets = \"t.secrets\";\n"                                  /* 1 */
        "realms = ( { name = \"site\"; tun = \"crest0\";\n"           /* 2 */
        "  connections = ( { name = \"c1\";\n"                        /* 3 */
        "    local = \"192.0.2.1\"; remote = \"192.0.2.2\";\n"        /* 4 */
        "    ike_proposals = [ \"aes256gcm16-prfsha256-x25519\" ];\n" /* 5 */
        "    %s\n"                                                    /* 6 */
        "    children = (\n"                                          /* 7 */
        "      %s\n"                                                  /* 8 */
        "      %s\n"                                                  /* 9 */
        "    );\n"                                                    /* 10 */
        "  } ); } );\n";                                              /* 11 */

#define CONN_ESP "esp_proposals = [ \"aes256gcm16\" ];"
#define CHILD_A                                                                \
	"{ name = \"net-a\"; local_ts = [ \"198.51.100.0/25\" ];"              \
	" remote_ts = [ \"203.0.113.0/25\" ]; start_action = \"initiate\"; }"
#define CHILD_B                                                                \
	", { name = \"net-b\"; local_ts = [ \"198.51.100.128/25\" ];"          \
	" remote_ts = [ \"203.0.113.128/25\" ]; start_action = \"trap\";"      \
	" esp_proposals = [ \"aes128-sha256-x25519\" ]; }"

static char *doc(const char *conn, const char *child1, const char *child2)
{
	static char buf[65536];
	int n = snprintf(buf, sizeof(buf), doc_fmt, conn, child1, child2);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	return buf;
}

static struct cfg load_ok(const char *text)
{
	struct cfg cfg;
	char err[1024] = "";
	if (config_load_string(text, "t.conf", &cfg, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	return cfg;
}

static void assert_prefix(const struct traffic_selector *ts, const char *addr,
                          unsigned prefix)
{
	struct traffic_selector want;
	uint8_t bytes[4];

	assert_int_equal(inet_pton(AF_INET, addr, bytes), 1);
	assert_int_equal(ts_from_prefix(AF_INET, bytes, prefix, &want), 0);
	assert_memory_equal(ts, &want, sizeof(want));
}

static void two_children_loaded(void **state)
{
	(void)state;
	struct cfg cfg = load_ok(doc(CONN_ESP, CHILD_A, CHILD_B));
	const struct cfg_conn *c = &cfg.realms[0].conns[0];

	assert_int_equal(c->n_children, 2);
	assert_string_equal(c->children[0].name, "net-a");
	assert_string_equal(c->children[1].name, "net-b");
	assert_int_equal(c->children[0].n_local_ts, 1);
	assert_prefix(&c->children[0].local_ts[0], "198.51.100.0", 25);
	assert_prefix(&c->children[0].remote_ts[0], "203.0.113.0", 25);
	assert_prefix(&c->children[1].local_ts[0], "198.51.100.128", 25);
	assert_prefix(&c->children[1].remote_ts[0], "203.0.113.128", 25);

	/* net-a inherits the connection's ESP proposal, net-b has its own. */
	assert_int_equal(c->children[0].n_esp_proposals, 1);
	assert_int_equal(c->children[0].esp_proposals[0].encr[0].id,
	                 ENCR_AES_GCM_16);
	assert_int_equal(c->children[1].n_esp_proposals, 1);
	assert_int_equal(c->children[1].esp_proposals[0].encr[0].id,
	                 ENCR_AES_CBC);
	assert_int_equal(c->children[1].esp_proposals[0].dh[0], DH_X25519);

	assert_int_equal(c->children[0].start_action, START_ACTION_INITIATE);
	assert_int_equal(c->children[1].start_action, START_ACTION_TRAP);
	assert_int_equal(c->start_action, START_ACTION_INITIATE);
	assert_int_equal(config_conn_start_mask(c), 0x1);
	assert_false(config_child_trapped(c, 0));
	assert_true(config_child_trapped(c, 1));
	assert_int_equal(config_child_find(c, "net-b"), 1);
	assert_int_equal(config_child_find(c, "net-c"), -1);
	config_free(&cfg);
}

static void connection_without_children(void **state)
{
	(void)state;
	static const char text[] =
	        "secrets = \"t.secrets\";\n"
	        "realms = ( { name = \"site\"; tun = \"crest0\";\n"
	        "  connections = ( { name = \"c1\";\n"
	        "    local = \"192.0.2.1\"; remote = \"192.0.2.2\";\n"
	        "    ike_proposals = [ \"aes256gcm16-prfsha256-x25519\" ];\n"
	        "    esp_proposals = [ \"aes256gcm16\" ];\n"
	        "    local_ts = [ \"198.51.100.0/24\" ];\n"
	        "    remote_ts = [ \"203.0.113.0/24\" ];\n"
	        "    start_action = \"trap\";\n"
	        "  } ); } );\n";
	struct cfg cfg = load_ok(text);
	const struct cfg_conn *c = &cfg.realms[0].conns[0];

	assert_int_equal(c->n_children, 1);
	assert_string_equal(c->children[0].name, "c1");
	assert_int_equal(c->children[0].n_local_ts, 1);
	assert_prefix(&c->children[0].local_ts[0], "198.51.100.0", 24);
	assert_prefix(&c->children[0].remote_ts[0], "203.0.113.0", 24);
	assert_int_equal(c->children[0].n_esp_proposals, 1);
	assert_int_equal(c->children[0].start_action, START_ACTION_TRAP);
	assert_int_equal(c->start_action, START_ACTION_TRAP);
	assert_true(config_child_trapped(c, 0));
	/* No child initiates, so starting the connection starts them all. */
	assert_int_equal(config_conn_start_mask(c), 0x1);
	config_free(&cfg);
}

static void children_inherit_selectors(void **state)
{
	(void)state;
	struct cfg cfg = load_ok(doc(
	        CONN_ESP " local_ts = [ \"198.51.100.0/24\" ];"
	                 " remote_ts = [ \"203.0.113.0/24\" ];"
	                 " start_action = \"trap\";",
	        "{ name = \"any\"; }",
	        ", { name = \"web\"; remote_ts = [ \"203.0.113.80/28\" ]; }"));
	const struct cfg_conn *c = &cfg.realms[0].conns[0];

	assert_int_equal(c->n_children, 2);
	assert_prefix(&c->children[0].local_ts[0], "198.51.100.0", 24);
	assert_prefix(&c->children[0].remote_ts[0], "203.0.113.0", 24);
	assert_prefix(&c->children[1].local_ts[0], "198.51.100.0", 24);
	assert_prefix(&c->children[1].remote_ts[0], "203.0.113.80", 28);
	assert_int_equal(c->children[1].start_action, START_ACTION_TRAP);
	assert_int_equal(c->start_action, START_ACTION_TRAP);
	assert_int_equal(config_conn_start_mask(c), 0x3);
	config_free(&cfg);
}

static void bad_children_rejected(void **state)
{
	(void)state;
	expect_error(
	        doc(CONN_ESP, CHILD_A,
	            ", { name = \"net-a\"; local_ts = [ \"198.51.100.0/24\" ];"
	            " remote_ts = [ \"203.0.113.0/24\" ]; }"),
	        9, "duplicate child name \"net-a\" in connection \"c1\"");
	expect_error(doc(CONN_ESP, CHILD_A,
	                 ", { name = \"net-b\"; local_ts = [ ];"
	                 " remote_ts = [ \"203.0.113.0/24\" ]; }"),
	             9, "local_ts is empty");
	expect_error(
	        doc(CONN_ESP, CHILD_A,
	            ", { name = \"net-b\"; local_ts = [ \"198.51.100.0/24\" ];"
	            " remote_ts = [ ]; }"),
	        9, "remote_ts is empty");
	expect_error(doc(CONN_ESP, CHILD_A,
	                 ", { name = \"net-b\"; local_ts = [ "
	                 "\"198.51.100.0/24\" ]; }"),
	             9,
	             "child \"net-b\" of connection \"c1\" has no remote_ts");
	expect_error(
	        doc("", CHILD_A, ""), 8,
	        "child \"net-a\" of connection \"c1\" has no esp_proposals");
	expect_error(
	        doc(CONN_ESP, CHILD_A,
	            ", { name = \"net-b\"; local_ts = [ \"198.51.100.1/24\" ];"
	            " remote_ts = [ \"203.0.113.0/24\" ]; }"),
	        9, "\"198.51.100.1/24\" has bits set beyond the /24");
	expect_error(doc(CONN_ESP, CHILD_A,
	                 ", { local_ts = [ \"198.51.100.0/24\" ]; }"),
	             9, "missing required key \"name\"");
	expect_error(doc(CONN_ESP, CHILD_A,
	                 ", { name = \"net b\"; local_ts = [ "
	                 "\"198.51.100.0/24\" ]; }"),
	             9, "net b");
	expect_error(doc(CONN_ESP, CHILD_A,
	                 ", { name = \"net-b\"; rekey_time = 60; }"),
	             9, "unknown key \"rekey_time\" in child");
	expect_error(doc(CONN_ESP, CHILD_A,
	                 ", { name = \"net-b\"; start_action = \"start\"; }"),
	             9, "invalid start_action \"start\"");
	expect_error(
	        doc(CONN_ESP, CHILD_A,
	            ", { name = \"net-b\"; esp_proposals = [ \"sha1\" ]; }"),
	        9, "esp_proposals");
	/* libconfig 1.5 gives a string in a list the line of the token
	 * after it, here the ");" on line 10. */
	expect_error(doc(CONN_ESP, CHILD_A, ", \"net-b\""), 10,
	             "each entry of children must be a group");
}

static void empty_children_rejected(void **state)
{
	(void)state;
	expect_error(doc(CONN_ESP, "", ""), 7,
	             "children of connection \"c1\" must be a non-empty list");
	expect_error(
	        "secrets = \"t.secrets\";\n"
	        "realms = ( { name = \"site\"; tun = \"crest0\";\n"
	        "  connections = ( { name = \"c1\";\n"
	        "    local = \"192.0.2.1\"; remote = \"192.0.2.2\";\n"
	        "    ike_proposals = [ \"aes256gcm16-prfsha256-x25519\" ];\n"
	        "    children = \"all\";\n"
	        "  } ); } );\n",
	        6, "non-empty list of groups");
}

static void children_count_limited(void **state)
{
	(void)state;
	static char list[16384];
	size_t used = 0;

	for (int i = 0; i < CFG_MAX_CHILDREN; i++)
		used += (size_t)snprintf(
		        list + used, sizeof(list) - used,
		        ", { name = \"n%d\";"
		        " local_ts = [ \"198.51.100.%d/32\" ];"
		        " remote_ts = [ \"203.0.113.0/24\" ]; }",
		        i, i);
	assert_true(used < sizeof(list));

	/* CHILD_A and 16 more: one over the limit. */
	expect_error(doc(CONN_ESP, CHILD_A, list), 7,
	             "connection \"c1\" has 17 children; at most 16");

	/* CHILD_A and 15 more: at the limit. */
	char *cut = strstr(list, ", { name = \"n15\"");
	assert_non_null(cut);
	*cut = '\0';
	struct cfg cfg = load_ok(doc(CONN_ESP, CHILD_A, list));
	assert_int_equal(cfg.realms[0].conns[0].n_children, CFG_MAX_CHILDREN);
	config_free(&cfg);
}

/* A reload keeps SAs only for an unchanged list: names, order, settings. */
static void children_compared(void **state)
{
	(void)state;
	struct cfg a = load_ok(doc(CONN_ESP, CHILD_A, CHILD_B));
	struct cfg b = load_ok(doc(CONN_ESP, CHILD_A, CHILD_B));
	assert_true(config_conn_equal(&a.realms[0].conns[0],
	                              &b.realms[0].conns[0]));
	config_free(&b);

	b = load_ok(doc(CONN_ESP, CHILD_A, ""));
	assert_false(config_conn_equal(&a.realms[0].conns[0],
	                               &b.realms[0].conns[0]));
	config_free(&b);

	b = load_ok(doc(CONN_ESP, &CHILD_B[2], ", " CHILD_A));
	assert_false(config_conn_equal(&a.realms[0].conns[0],
	                               &b.realms[0].conns[0]));
	config_free(&b);
	config_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(two_children_loaded),
	        cmocka_unit_test(connection_without_children),
	        cmocka_unit_test(children_inherit_selectors),
	        cmocka_unit_test(bad_children_rejected),
	        cmocka_unit_test(empty_children_rejected),
	        cmocka_unit_test(children_count_limited),
	        cmocka_unit_test(children_compared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
