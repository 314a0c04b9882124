// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config/conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/addr.h"
#include "config/identity.h"
#include "config/lifetime.h"

static const char *const conn_keys[] = {
        "name",
        "local",
        "remote",
        "local_id",
        "remote_id",
        "auth",
        "ike_proposals",
        "esp_proposals",
        "local_ts",
        "remote_ts",
        "start_action",
        "encap",
        "retransmit_timeout",
        "retransmit_tries",
        "retransmit_giveup",
        "keepalive",
        "ike_rekey_time",
        "reauth_time",
        "ike_life_time",
        "rekey_time",
        "dpd_delay",
        "dpd_action",
        "close_action",
        "life_time",
        "rand_time",
        "rekey_bytes",
        "life_bytes",
        "rekey_packets",
        "life_packets",
        "log_level",
        "children",
        NULL,
};

static int parse_endpoint(const struct cfg_ctx *ctx, const config_setting_t *s,
                          const char *key, struct sockaddr_storage *out)
{
	const char *v;
	int rc = cfg_get_string(ctx, s, key, true, &v);
	if (rc < 0)
		return rc;
	if (addr_parse_endpoint(v, CONN_DEFAULT_PORT, out) < 0)
		return cfg_fail(ctx, config_setting_get_member(s, key),
		                "invalid address \"%s\" for %s; write an IPv4 "
		                "or IPv6 address, with an optional port as in "
		                "\"192.0.2.1:500\" or \"[2001:db8::1]:500\"",
		                v, key);
	return 0;
}

static int parse_endpoints(const struct cfg_ctx *ctx, const config_setting_t *s,
                           struct cfg_conn *conn)
{
	int rc = parse_endpoint(ctx, s, "local", &conn->local_addr);
	if (rc == 0)
		rc = parse_endpoint(ctx, s, "remote", &conn->remote_addr);
	if (rc < 0)
		return rc;
	if (conn->local_addr.ss_family != conn->remote_addr.ss_family)
		return cfg_fail(ctx, config_setting_get_member(s, "remote"),
		                "local and remote of connection \"%s\" are of "
		                "different address families; use IPv4 or IPv6 "
		                "for both",
		                conn->name);
	return 0;
}

/* Parses local_id or remote_id, defaulting to the gateway address. */
static int parse_id(const struct cfg_ctx *ctx, const config_setting_t *s,
                    const char *key, const struct sockaddr_storage *addr,
                    struct cfg_identity *out)
{
	char msg[384];
	const char *v;
	int rc = cfg_get_string(ctx, s, key, false, &v);
	if (rc < 0)
		return rc;
	if (!v) {
		identity_from_addr(addr, out);
		return 0;
	}
	if (config_parse_identity(v, out, msg, sizeof(msg)) < 0)
		return cfg_fail(ctx, config_setting_get_member(s, key),
		                "%s: %s", key, msg);
	return 0;
}

int conn_parse_proposals(const struct cfg_ctx *ctx, const config_setting_t *s,
                         const char *key, bool is_esp, bool required,
                         struct cfg_proposal *out, size_t *n)
{
	config_setting_t *list;
	char msg[512];
	int rc = cfg_get_string_list(ctx, s, key, required, CFG_MAX_PROPOSALS,
	                             &list);
	*n = 0;
	if (rc < 0 || !list)
		return rc;

	for (int i = 0; i < config_setting_length(list); i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		const char *v = config_setting_get_string(e);
		if (config_parse_proposal(v, is_esp, &out[i], msg,
		                          sizeof(msg)) < 0)
			return cfg_fail(ctx, e, "%s: %s", key, msg);
		(*n)++;
	}
	return 0;
}

static int parse_ts_entry(const struct cfg_ctx *ctx, const config_setting_t *e,
                          const char *key, struct traffic_selector *out)
{
	const char *v = config_setting_get_string(e);
	uint8_t addr[16];
	unsigned prefix;
	int family;

	int rc = addr_parse_prefix(v, &family, addr, &prefix);
	if (rc == -ERANGE)
		return cfg_fail(ctx, e,
		                "%s: prefix length in \"%s\" is out of range; "
		                "use 0 to %d",
		                key, v, family == AF_INET ? 32 : 128);
	if (rc < 0)
		return cfg_fail(
		        ctx, e,
		        "%s: invalid subnet \"%s\"; write ADDRESS/PREFIX "
		        "such as \"198.51.100.0/24\" or "
		        "\"2001:db8::/64\"",
		        key, v);
	if (addr_has_host_bits(family, addr, prefix))
		return cfg_fail(
		        ctx, e,
		        "%s: \"%s\" has bits set beyond the /%u prefix; "
		        "write the network address",
		        key, v, prefix);
	if (ts_from_prefix(family, addr, prefix, out) < 0)
		return cfg_fail(ctx, e, "%s: cannot use subnet \"%s\"", key, v);
	return 0;
}

int conn_parse_ts(const struct cfg_ctx *ctx, const config_setting_t *s,
                  const char *key, bool required, struct traffic_selector *out,
                  size_t *n)
{
	config_setting_t *list;
	int rc = cfg_get_string_list(ctx, s, key, required, CFG_MAX_TS, &list);
	*n = 0;
	if (rc < 0 || !list)
		return rc;

	for (int i = 0; i < config_setting_length(list); i++) {
		rc = parse_ts_entry(ctx, config_setting_get_elem(list, i), key,
		                    &out[i]);
		if (rc < 0)
			return rc;
		(*n)++;
	}
	return 0;
}

static int parse_choices(const struct cfg_ctx *ctx, const config_setting_t *s,
                         struct cfg_conn *conn)
{
	const char *v;
	int rc = cfg_get_string(ctx, s, "auth", false, &v);
	if (rc < 0)
		return rc;
	conn->auth = AUTH_METHOD_PSK;
	if (v && strcmp(v, "psk") != 0)
		return cfg_fail(ctx, config_setting_get_member(s, "auth"),
		                "invalid auth \"%s\"; the only method "
		                "supported is \"psk\"",
		                v);

	conn->start_action = START_ACTION_WAIT;
	return conn_parse_start_action(ctx, s, &conn->start_action);
}

int conn_parse_start_action(const struct cfg_ctx *ctx,
                            const config_setting_t *s, enum start_action *out)
{
	const char *v;
	int rc = cfg_get_string(ctx, s, "start_action", false, &v);
	if (rc < 0 || !v)
		return rc;
	if (strcmp(v, "wait") == 0) {
		*out = START_ACTION_WAIT;
		return 0;
	}
	if (strcmp(v, "initiate") == 0) {
		*out = START_ACTION_INITIATE;
		return 0;
	}
	if (strcmp(v, "trap") == 0) {
		*out = START_ACTION_TRAP;
		return 0;
	}
	return cfg_fail(ctx, config_setting_get_member(s, "start_action"),
	                "invalid start_action \"%s\"; use \"initiate\", "
	                "\"trap\" or \"wait\"",
	                v);
}

static int parse_timers(const struct cfg_ctx *ctx, const config_setting_t *s,
                        struct cfg_conn *conn)
{
	conn->retransmit_timeout_ms = CONN_DEFAULT_RETRANSMIT_TIMEOUT_MS;
	conn->retransmit_tries = CONN_DEFAULT_RETRANSMIT_TRIES;
	conn->retransmit_giveup_ms = CONN_DEFAULT_RETRANSMIT_GIVEUP_MS;
	conn->keepalive_interval_s = CONN_DEFAULT_KEEPALIVE_S;

	int rc = cfg_get_seconds(ctx, s, "retransmit_timeout", 100, 60000,
	                         &conn->retransmit_timeout_ms);
	if (rc == 0)
		rc = cfg_get_uint(ctx, s, "retransmit_tries", 0, 20,
		                  &conn->retransmit_tries);
	if (rc == 0)
		rc = cfg_get_seconds(ctx, s, "retransmit_giveup", 1000, 3600000,
		                     &conn->retransmit_giveup_ms);
	if (rc == 0)
		rc = cfg_get_uint(ctx, s, "keepalive", 0, 3600,
		                  &conn->keepalive_interval_s);
	if (rc < 0)
		return rc;
	rc = lifetime_parse(ctx, s, conn);
	if (rc == 0)
		rc = liveness_parse(ctx, s, conn);
	if (rc < 0)
		return rc;
	if (conn->retransmit_giveup_ms < conn->retransmit_timeout_ms)
		return cfg_fail(ctx, s,
		                "retransmit_giveup (%u ms) is shorter than "
		                "retransmit_timeout (%u ms) in connection "
		                "\"%s\"; raise retransmit_giveup",
		                conn->retransmit_giveup_ms,
		                conn->retransmit_timeout_ms, conn->name);
	return 0;
}

int conn_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
               struct cfg_realm *realm, struct cfg_conn *conn)
{
	if (!config_setting_is_group(s))
		return cfg_fail(ctx, s,
		                "each entry of connections must be a group "
		                "{ name = \"...\"; ... }");
	int rc = cfg_check_keys(ctx, s, "connection", conn_keys);
	if (rc == 0)
		rc = cfg_get_name(ctx, s, "name", conn->name,
		                  sizeof(conn->name));
	if (rc < 0)
		return rc;

	conn->realm = realm;
	conn->force_encap = false;
	conn->log_level = -1;
	rc = parse_endpoints(ctx, s, conn);
	if (rc == 0)
		rc = parse_id(ctx, s, "local_id", &conn->local_addr,
		              &conn->local_id);
	if (rc == 0)
		rc = parse_id(ctx, s, "remote_id", &conn->remote_addr,
		              &conn->remote_id);
	if (rc == 0)
		rc = parse_choices(ctx, s, conn);
	if (rc == 0)
		rc = conn_parse_proposals(ctx, s, "ike_proposals", false, true,
		                     conn->ike_proposals,
		                     &conn->n_ike_proposals);
	/* With a children list, each of these may come from the children. */
	bool own = !config_setting_get_member(s, "children");
	if (rc == 0)
		rc = conn_parse_proposals(ctx, s, "esp_proposals", true, own,
		                          conn->esp_proposals,
		                          &conn->n_esp_proposals);
	if (rc == 0)
		rc = conn_parse_ts(ctx, s, "local_ts", own, conn->local_ts,
		                   &conn->n_local_ts);
	if (rc == 0)
		rc = conn_parse_ts(ctx, s, "remote_ts", own, conn->remote_ts,
		                   &conn->n_remote_ts);
	if (rc == 0)
		rc = children_parse(ctx, s, conn);
	if (rc == 0)
		rc = parse_timers(ctx, s, conn);
	if (rc == 0)
		rc = cfg_get_bool(ctx, s, "encap", &conn->force_encap);
	if (rc == 0)
		rc = cfg_get_log_level(ctx, s, &conn->log_level);
	return rc;
}
