// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * config_conn_equal and config_realm_equal: two loads of one file compare
 * equal although their realm pointers differ, and a change to any single
 * field of a connection or of its realm makes them differ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

static const char base_text[] =
        "secrets = \"t.secrets\";\n"
        "realms = ( {\n"
        "  name = \"site\";\n"
        "  tun = \"crest0\";\n"
        "  inner = [ \"198.51.100.1/24\", \"2001:db8:a::1/64\" ];\n"
        "  connections = ( {\n"
        "    name = \"c1\";\n"
        "    local = \"192.0.2.1\";\n"
        "    remote = \"192.0.2.2\";\n"
        "    ike_proposals = [ \"aes256gcm16-prfsha256-x25519\",\n"
        "                      \"aes128-sha256-ecp256\" ];\n"
        "    esp_proposals = [ \"aes256gcm16\", \"aes128-sha256\" ];\n"
        "    local_ts = [ \"198.51.100.0/24\", \"2001:db8:a::/64\" ];\n"
        "    remote_ts = [ \"203.0.113.0/24\", \"2001:db8:b::/64\" ];\n"
        "  } );\n"
        "} );\n";

struct fixture {
	struct cfg a;
	struct cfg b;
};

static int setup(void **state)
{
	static struct fixture f;
	char err[512];
	if (config_load_string(base_text, "a.conf", &f.a, err, sizeof(err)) <
	    0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (config_load_string(base_text, "b.conf", &f.b, err, sizeof(err)) <
	    0) {
		fprintf(stderr, "%s\n", err);
		config_free(&f.a);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	config_free(&f->a);
	config_free(&f->b);
	return 0;
}

static void same_file_is_equal(void **state)
{
	struct fixture *f = *state;
	const struct cfg_conn *a = &f->a.realms[0].conns[0];
	const struct cfg_conn *b = &f->b.realms[0].conns[0];
	assert_ptr_not_equal(a->realm, b->realm);
	assert_true(config_realm_equal(a->realm, b->realm));
	assert_true(config_conn_equal(a, b));
}

/* One field change of a connection; conn is a copy of the base. */
struct conn_change {
	const char *field;
	void (*apply)(struct cfg_conn *conn);
};

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static void ch_name(struct cfg_conn *c)
{
	c->name[1] = '2';
}
static void ch_local_addr(struct cfg_conn *c)
{
	((struct sockaddr_in *)&c->local_addr)->sin_addr.s_addr ^= htonl(1);
}
static void ch_local_port(struct cfg_conn *c)
{
	set_port(&c->local_addr, 4500);
}
static void ch_remote_addr(struct cfg_conn *c)
{
	((struct sockaddr_in *)&c->remote_addr)->sin_addr.s_addr ^= htonl(4);
}
static void ch_remote_port(struct cfg_conn *c)
{
	set_port(&c->remote_addr, 4500);
}
static void ch_local_id_data(struct cfg_conn *c)
{
	c->local_id.data[0] ^= 1;
}
static void ch_local_id_text(struct cfg_conn *c)
{
	strcpy(c->local_id.text, "ipv4:192.0.2.1");
}
static void ch_remote_id_type(struct cfg_conn *c)
{
	c->remote_id.type = ID_KEY_ID;
}
static void ch_remote_id_len(struct cfg_conn *c)
{
	c->remote_id.len--;
}
static void ch_auth(struct cfg_conn *c)
{
	c->auth = (enum auth_method)0;
}
static void ch_ike_encr(struct cfg_conn *c)
{
	c->ike_proposals[0].encr[0].key_bits = 128;
}
static void ch_ike_integ(struct cfg_conn *c)
{
	c->ike_proposals[1].integ[0]++;
}
static void ch_ike_prf(struct cfg_conn *c)
{
	c->ike_proposals[0].prf[0]++;
}
static void ch_ike_dh(struct cfg_conn *c)
{
	c->ike_proposals[0].dh[0]++;
}
static void ch_ike_count(struct cfg_conn *c)
{
	c->n_ike_proposals = 1;
}
static void ch_esp_encr_count(struct cfg_conn *c)
{
	c->esp_proposals[0].n_encr = 0;
}
static void ch_esp_dh(struct cfg_conn *c)
{
	c->esp_proposals[0].dh[c->esp_proposals[0].n_dh++] = 31;
}
static void ch_esp_esn(struct cfg_conn *c)
{
	c->esp_proposals[1].esn[0] ^= 1;
}
static void ch_esp_count(struct cfg_conn *c)
{
	c->n_esp_proposals = 1;
}
static void ch_local_ts_port(struct cfg_conn *c)
{
	c->local_ts[0].end_port = 80;
}
static void ch_local_ts_proto(struct cfg_conn *c)
{
	c->local_ts[1].ip_proto = 6;
}
static void ch_remote_ts_addr(struct cfg_conn *c)
{
	c->remote_ts[0].start[3] ^= 1;
}
static void ch_remote_ts_end(struct cfg_conn *c)
{
	c->remote_ts[1].end[15] ^= 1;
}
static void ch_local_ts_count(struct cfg_conn *c)
{
	c->n_local_ts = 1;
}
static void ch_remote_ts_type(struct cfg_conn *c)
{
	c->remote_ts[0].type = TS_IPV6_ADDR_RANGE;
}
static void ch_start_action(struct cfg_conn *c)
{
	c->start_action = START_ACTION_INITIATE;
}
static void ch_force_encap(struct cfg_conn *c)
{
	c->force_encap = !c->force_encap;
}
static void ch_retransmit_timeout(struct cfg_conn *c)
{
	c->retransmit_timeout_ms++;
}
static void ch_retransmit_tries(struct cfg_conn *c)
{
	c->retransmit_tries++;
}
static void ch_retransmit_giveup(struct cfg_conn *c)
{
	c->retransmit_giveup_ms++;
}
static void ch_keepalive(struct cfg_conn *c)
{
	c->keepalive_interval_s++;
}
static void ch_dpd_delay(struct cfg_conn *c)
{
	c->dpd_delay_ms++;
}
static void ch_dpd_action(struct cfg_conn *c)
{
	c->dpd_action = c->dpd_action == SA_ACTION_HOLD ? SA_ACTION_CLEAR
	                                                : SA_ACTION_HOLD;
}
static void ch_close_action(struct cfg_conn *c)
{
	c->close_action = c->close_action == SA_ACTION_RESTART
	                          ? SA_ACTION_NONE
	                          : SA_ACTION_RESTART;
}
static void ch_ike_rekey(struct cfg_conn *c)
{
	c->ike_rekey_ms++;
}
static void ch_ike_life(struct cfg_conn *c)
{
	c->ike_life_ms++;
}
static void ch_child_rekey(struct cfg_conn *c)
{
	c->child_rekey_ms++;
}
static void ch_child_life(struct cfg_conn *c)
{
	c->child_life_ms++;
}
static void ch_rand(struct cfg_conn *c)
{
	c->rand_ms++;
}
static void ch_rekey_bytes(struct cfg_conn *c)
{
	c->child_rekey_bytes++;
}
static void ch_life_bytes(struct cfg_conn *c)
{
	c->child_life_bytes++;
}
static void ch_rekey_packets(struct cfg_conn *c)
{
	c->child_rekey_packets++;
}
static void ch_life_packets(struct cfg_conn *c)
{
	c->child_life_packets++;
}
static void ch_log_level(struct cfg_conn *c)
{
	c->log_level = c->log_level == 4 ? 3 : 4;
}

static void ch_child_name(struct cfg_conn *c)
{
	c->children[0].name[0] = 'x';
}
static void ch_child_start(struct cfg_conn *c)
{
	c->children[0].start_action = START_ACTION_TRAP;
}
static void ch_child_esp(struct cfg_conn *c)
{
	c->children[0].esp_proposals[0].encr[0].key_bits = 128;
}
static void ch_child_local_ts(struct cfg_conn *c)
{
	c->children[0].local_ts[0].start[2] ^= 1;
}
static void ch_child_remote_ts(struct cfg_conn *c)
{
	c->children[0].n_remote_ts = 1;
}
static void ch_child_count(struct cfg_conn *c)
{
	c->children[1] = c->children[0];
	c->children[1].name[0] = 'y';
	c->n_children = 2;
}

static const struct conn_change conn_changes[] = {
        {"name", ch_name},
        {"local address", ch_local_addr},
        {"local port", ch_local_port},
        {"remote address", ch_remote_addr},
        {"remote port", ch_remote_port},
        {"local_id data", ch_local_id_data},
        {"local_id text", ch_local_id_text},
        {"remote_id type", ch_remote_id_type},
        {"remote_id length", ch_remote_id_len},
        {"auth", ch_auth},
        {"IKE encryption key size", ch_ike_encr},
        {"IKE integrity", ch_ike_integ},
        {"IKE PRF", ch_ike_prf},
        {"IKE DH group", ch_ike_dh},
        {"IKE proposal count", ch_ike_count},
        {"ESP encryption count", ch_esp_encr_count},
        {"ESP PFS group", ch_esp_dh},
        {"ESP ESN", ch_esp_esn},
        {"ESP proposal count", ch_esp_count},
        {"local_ts port", ch_local_ts_port},
        {"local_ts protocol", ch_local_ts_proto},
        {"remote_ts start", ch_remote_ts_addr},
        {"remote_ts IPv6 end", ch_remote_ts_end},
        {"local_ts count", ch_local_ts_count},
        {"remote_ts type", ch_remote_ts_type},
        {"start_action", ch_start_action},
        {"encap", ch_force_encap},
        {"retransmit_timeout", ch_retransmit_timeout},
        {"retransmit_tries", ch_retransmit_tries},
        {"retransmit_giveup", ch_retransmit_giveup},
        {"keepalive", ch_keepalive},
        {"dpd_delay", ch_dpd_delay},
        {"dpd_action", ch_dpd_action},
        {"close_action", ch_close_action},
        {"ike_rekey", ch_ike_rekey},
        {"ike_life", ch_ike_life},
        {"child_rekey", ch_child_rekey},
        {"child_life", ch_child_life},
        {"rand", ch_rand},
        {"child_rekey_bytes", ch_rekey_bytes},
        {"child_life_bytes", ch_life_bytes},
        {"child_rekey_packets", ch_rekey_packets},
        {"child_life_packets", ch_life_packets},
        {"log_level", ch_log_level},
        {"child name", ch_child_name},
        {"child start_action", ch_child_start},
        {"child ESP proposal", ch_child_esp},
        {"child local_ts", ch_child_local_ts},
        {"child remote_ts count", ch_child_remote_ts},
        {"child count", ch_child_count},
};

static void each_conn_field_change_detected(void **state)
{
	struct fixture *f = *state;
	const struct cfg_conn *base = &f->a.realms[0].conns[0];
	for (size_t i = 0; i < sizeof(conn_changes) / sizeof(conn_changes[0]);
	     i++) {
		struct cfg_conn changed = f->b.realms[0].conns[0];
		assert_true(config_conn_equal(base, &changed));
		conn_changes[i].apply(&changed);
		if (config_conn_equal(base, &changed))
			fail_msg("a change of %s was not detected",
			         conn_changes[i].field);
		if (config_conn_equal(&changed, base))
			fail_msg("a change of %s was not detected in reverse",
			         conn_changes[i].field);
	}
}

struct realm_change {
	const char *field;
	void (*apply)(struct cfg_realm *realm);
};

static void rch_name(struct cfg_realm *r)
{
	strcpy(r->name, "other");
}
static void rch_tun(struct cfg_realm *r)
{
	strcpy(r->tun_name, "crest1");
}
static void rch_inner_addr(struct cfg_realm *r)
{
	r->inner[0].addr[3] ^= 2;
}
static void rch_inner_v6_addr(struct cfg_realm *r)
{
	r->inner[1].addr[15] ^= 2;
}
static void rch_inner_prefix(struct cfg_realm *r)
{
	r->inner[0].prefix = 25;
}
static void rch_inner_family(struct cfg_realm *r)
{
	r->inner[0].family = AF_INET6;
}
static void rch_inner_count(struct cfg_realm *r)
{
	r->n_inner = 1;
}
static void rch_mtu(struct cfg_realm *r)
{
	r->mtu = 1280;
}
static void rch_path_mtu(struct cfg_realm *r)
{
	r->path_mtu = 1400;
}

static const struct realm_change realm_changes[] = {
        {"name", rch_name},
        {"tun", rch_tun},
        {"IPv4 inner address", rch_inner_addr},
        {"IPv6 inner address", rch_inner_v6_addr},
        {"inner prefix", rch_inner_prefix},
        {"inner family", rch_inner_family},
        {"inner count", rch_inner_count},
        {"mtu", rch_mtu},
        {"path_mtu", rch_path_mtu},
};

/* A realm change makes both the realms and their connections differ. */
static void each_realm_field_change_detected(void **state)
{
	struct fixture *f = *state;
	const struct cfg_conn *base = &f->a.realms[0].conns[0];
	for (size_t i = 0; i < sizeof(realm_changes) / sizeof(realm_changes[0]);
	     i++) {
		struct cfg_realm realm = f->b.realms[0];
		struct cfg_conn conn = f->b.realms[0].conns[0];
		conn.realm = &realm;
		assert_true(config_conn_equal(base, &conn));
		realm_changes[i].apply(&realm);
		if (config_realm_equal(base->realm, &realm))
			fail_msg("a realm change of %s was not detected",
			         realm_changes[i].field);
		if (config_conn_equal(base, &conn))
			fail_msg("a realm change of %s kept the connection "
			         "equal",
			         realm_changes[i].field);
	}
}

static void realm_conns_not_compared(void **state)
{
	struct fixture *f = *state;
	struct cfg_realm realm = f->b.realms[0];
	realm.n_conns = 0;
	assert_true(config_realm_equal(&f->a.realms[0], &realm));
}

static void proposal_text_change_detected(void **state)
{
	struct fixture *f = *state;
	char text[sizeof(base_text) + 16], err[512];
	const char *from = "\"aes256gcm16\", \"aes128-sha256\"";
	const char *at = strstr(base_text, from);
	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s\"aes128gcm16\"%s",
	         (int)(at - base_text), base_text, at + strlen(from));

	struct cfg changed;
	assert_int_equal(
	        config_load_string(text, "c.conf", &changed, err, sizeof(err)),
	        0);
	assert_false(config_conn_equal(&f->a.realms[0].conns[0],
	                               &changed.realms[0].conns[0]));
	assert_true(config_realm_equal(&f->a.realms[0], &changed.realms[0]));
	config_free(&changed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(same_file_is_equal),
	        cmocka_unit_test(each_conn_field_change_detected),
	        cmocka_unit_test(each_realm_field_change_detected),
	        cmocka_unit_test(realm_conns_not_compared),
	        cmocka_unit_test(proposal_text_change_detected),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
