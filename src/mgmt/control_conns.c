// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The "connections" command: the configured connections.  Identities and
 * proposals are shown as text; the PSKs stay in the secrets file and are
 * never read here.
 */
#include "mgmt/control_commands.h"

static json_t *proposals_json(const struct cfg_proposal *p, size_t n,
                              bool is_esp)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < n; i++) {
		char text[512];
		config_format_proposal(&p[i], is_esp, text, sizeof(text));
		if (json_array_append_new(list, json_string(text)) < 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static const char *auth_name(enum auth_method auth)
{
	return auth == AUTH_METHOD_PSK ? "psk" : "unknown";
}

static const char *start_action_name(enum start_action action)
{
	switch (action) {
	case START_ACTION_INITIATE:
		return "initiate";
	case START_ACTION_TRAP:
		return "trap";
	default:
		return "wait";
	}
}

static json_t *children_json(const struct cfg_conn *c)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < c->n_children; i++) {
		const struct cfg_child *ch = &c->children[i];
		json_t *obj = json_pack(
		        "{s:s, s:o, s:o, s:o, s:s}", "name", ch->name,
		        "esp_proposals",
		        proposals_json(ch->esp_proposals, ch->n_esp_proposals,
		                       true),
		        "local_ts", control_ts_list(ch->local_ts, ch->n_local_ts),
		        "remote_ts",
		        control_ts_list(ch->remote_ts, ch->n_remote_ts),
		        "start_action", start_action_name(ch->start_action));
		if (json_array_append_new(list, obj) < 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static json_t *conn_json(const struct cfg_conn *c)
{
	char local[64], remote[64];
	sockaddr_format(&c->local_addr, local, sizeof(local));
	sockaddr_format(&c->remote_addr, remote, sizeof(remote));
	return json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s,"
	        " s:b, s:o}",
	        "name", c->name, "realm", c->realm ? c->realm->name : "",
	        "local", local, "remote", remote, "local_id", c->local_id.text,
	        "remote_id", c->remote_id.text, "auth", auth_name(c->auth),
	        "ike_proposals",
	        proposals_json(c->ike_proposals, c->n_ike_proposals, false),
	        "esp_proposals",
	        proposals_json(c->esp_proposals, c->n_esp_proposals, true),
	        "local_ts", control_ts_list(c->local_ts, c->n_local_ts),
	        "remote_ts", control_ts_list(c->remote_ts, c->n_remote_ts),
	        "start_action",
	        c->start_action == START_ACTION_INITIATE ? "initiate" : "wait",
	        "encap", c->force_encap, "children", children_json(c));
}

json_t *control_cmd_connections(const struct control_ctx *ctx,
                                const json_t *req)
{
	const struct cfg *cfg = ctx->cfg;
	json_t *list = json_array();
	for (size_t r = 0; list && r < cfg->n_realms; r++) {
		const struct cfg_realm *realm = &cfg->realms[r];
		for (size_t i = 0; i < realm->n_conns; i++) {
			if (json_array_append_new(
			            list, conn_json(&realm->conns[i])) < 0) {
				json_decref(list);
				return NULL;
			}
		}
	}
	return json_pack("{s:o}", "connections", list);
}
