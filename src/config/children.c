// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The children list of a connection: each entry is one CHILD_SA with its
 * own selectors, ESP proposals and start action.  A child inherits each of
 * these that it does not set from its connection.
 */
#include <stdio.h>
#include <string.h>

#include "config/conn.h"

static const char *const child_keys[] = {
        "name", "local_ts", "remote_ts", "esp_proposals", "start_action", NULL,
};

/* Copies the connection's settings into a child as its defaults. */
static void inherit(const struct cfg_conn *conn, struct cfg_child *child)
{
	memcpy(child->esp_proposals, conn->esp_proposals,
	       sizeof(child->esp_proposals));
	child->n_esp_proposals = conn->n_esp_proposals;
	memcpy(child->local_ts, conn->local_ts, sizeof(child->local_ts));
	child->n_local_ts = conn->n_local_ts;
	memcpy(child->remote_ts, conn->remote_ts, sizeof(child->remote_ts));
	child->n_remote_ts = conn->n_remote_ts;
	child->start_action = conn->start_action;
}

/* A setting that neither the child nor its connection has. */
static int fail_missing(const struct cfg_ctx *ctx, const config_setting_t *s,
                        const struct cfg_conn *conn,
                        const struct cfg_child *child, const char *key)
{
	return cfg_fail(ctx, s,
	                "child \"%s\" of connection \"%s\" has no %s; add "
	                "%s = [ \"...\" ]; to the child or to its connection",
	                child->name, conn->name, key, key);
}

static int parse_lists(const struct cfg_ctx *ctx, const config_setting_t *s,
                       const struct cfg_conn *conn, struct cfg_child *child)
{
	size_t n;
	int rc = conn_parse_proposals(ctx, s, "esp_proposals", true, false,
	                              child->esp_proposals, &n);
	if (rc == 0 && n > 0)
		child->n_esp_proposals = n;
	if (rc == 0)
		rc = conn_parse_ts(ctx, s, "local_ts", false, child->local_ts,
		                   &n);
	if (rc == 0 && n > 0)
		child->n_local_ts = n;
	if (rc == 0)
		rc = conn_parse_ts(ctx, s, "remote_ts", false, child->remote_ts,
		                   &n);
	if (rc == 0 && n > 0)
		child->n_remote_ts = n;
	if (rc < 0)
		return rc;

	if (child->n_esp_proposals == 0)
		return fail_missing(ctx, s, conn, child, "esp_proposals");
	if (child->n_local_ts == 0)
		return fail_missing(ctx, s, conn, child, "local_ts");
	if (child->n_remote_ts == 0)
		return fail_missing(ctx, s, conn, child, "remote_ts");
	return 0;
}

static int parse_child(const struct cfg_ctx *ctx, const config_setting_t *s,
                       struct cfg_conn *conn, size_t index)
{
	struct cfg_child *child = &conn->children[index];
	if (!config_setting_is_group(s))
		return cfg_fail(ctx, s,
		                "each entry of children must be a group "
		                "{ name = \"...\"; local_ts = [ ... ]; ... }");
	int rc = cfg_check_keys(ctx, s, "child", child_keys);
	if (rc == 0)
		rc = cfg_get_name(ctx, s, "name", child->name,
		                  sizeof(child->name));
	if (rc < 0)
		return rc;
	if (config_child_find(conn, child->name) < (int)index)
		return cfg_fail(ctx, config_setting_get_member(s, "name"),
		                "duplicate child name \"%s\" in connection "
		                "\"%s\"; give each child a unique name",
		                child->name, conn->name);

	inherit(conn, child);
	rc = conn_parse_start_action(ctx, s, &child->start_action);
	if (rc == 0)
		rc = parse_lists(ctx, s, conn, child);
	return rc;
}

static int parse_list(const struct cfg_ctx *ctx, const config_setting_t *list,
                      struct cfg_conn *conn)
{
	if (!config_setting_is_list(list) || config_setting_length(list) == 0)
		return cfg_fail(ctx, list,
		                "children of connection \"%s\" must be a "
		                "non-empty list of groups: children = "
		                "( { name = \"...\"; local_ts = [ ... ]; "
		                "remote_ts = [ ... ]; } ); or remove the key",
		                conn->name);
	int n = config_setting_length(list);
	if (n > CFG_MAX_CHILDREN)
		return cfg_fail(ctx, list,
		                "connection \"%s\" has %d children; at most %d "
		                "are allowed, so split it into several "
		                "connections",
		                conn->name, n, CFG_MAX_CHILDREN);
	for (int i = 0; i < n; i++) {
		/* Count first: the duplicate check looks at earlier ones. */
		conn->n_children = (size_t)i + 1;
		int rc = parse_child(ctx, config_setting_get_elem(list, i),
		                     conn, (size_t)i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static enum start_action strongest_start(const struct cfg_conn *conn)
{
	enum start_action best = START_ACTION_WAIT;
	for (size_t i = 0; i < conn->n_children; i++) {
		enum start_action a = conn->children[i].start_action;
		if (a == START_ACTION_INITIATE)
			return a;
		if (a == START_ACTION_TRAP)
			best = a;
	}
	return best;
}

int children_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
                   struct cfg_conn *conn)
{
	config_setting_t *list = config_setting_get_member(s, "children");
	if (!list) {
		conn->n_children = 1;
		snprintf(conn->children[0].name, sizeof(conn->children[0].name),
		         "%s", conn->name);
		inherit(conn, &conn->children[0]);
		return 0;
	}
	int rc = parse_list(ctx, list, conn);
	if (rc == 0)
		conn->start_action = strongest_start(conn);
	return rc;
}

int config_child_find(const struct cfg_conn *conn, const char *name)
{
	for (size_t i = 0; i < conn->n_children; i++)
		if (strcmp(conn->children[i].name, name) == 0)
			return (int)i;
	return -1;
}

uint32_t config_conn_start_mask(const struct cfg_conn *conn)
{
	uint32_t all = 0, initiate = 0;
	for (size_t i = 0; i < conn->n_children; i++) {
		all |= 1u << i;
		if (conn->children[i].start_action == START_ACTION_INITIATE)
			initiate |= 1u << i;
	}
	return initiate ? initiate : all;
}

bool config_child_trapped(const struct cfg_conn *conn, size_t index)
{
	return conn->start_action != START_ACTION_WAIT &&
	       index < conn->n_children &&
	       conn->children[index].start_action == START_ACTION_TRAP;
}
