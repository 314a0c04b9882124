// SPDX-License-Identifier: LGPL-2.1-or-later
#include <string.h>

#include "config/lifetime.h"

static const char *const action_names[] = {
	[SA_ACTION_NONE] = "none",
	[SA_ACTION_CLEAR] = "clear",
	[SA_ACTION_RESTART] = "restart",
	[SA_ACTION_HOLD] = "hold",
};

static int parse_action(const struct cfg_ctx *ctx, const config_setting_t *s,
			const char *key, bool allow_none, enum sa_action *out)
{
	const char *v;
	int rc = cfg_get_string(ctx, s, key, false, &v);
	if (rc < 0 || !v)
		return rc;
	for (size_t i = allow_none ? 0 : 1; i < 4; i++) {
		if (strcmp(v, action_names[i]) == 0) {
			*out = (enum sa_action)i;
			return 0;
		}
	}
	return cfg_fail(ctx, config_setting_get_member(s, key),
			"invalid %s \"%s\"; use %s\"clear\", \"restart\" or "
			"\"hold\"",
			key, v, allow_none ? "\"none\", " : "");
}

int liveness_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
		   struct cfg_conn *conn)
{
	/* A tunnel this side starts comes back by itself by default. */
	conn->dpd_delay_ms = LIVENESS_DEFAULT_DPD_DELAY_MS;
	switch (conn->start_action) {
	case START_ACTION_INITIATE:
		conn->dpd_action = SA_ACTION_RESTART;
		break;
	case START_ACTION_TRAP:
		conn->dpd_action = SA_ACTION_HOLD;
		break;
	default:
		conn->dpd_action = SA_ACTION_CLEAR;
	}
	conn->close_action = SA_ACTION_NONE;

	int rc = cfg_get_seconds(ctx, s, "dpd_delay", 0, 24u * 3600 * 1000,
				 &conn->dpd_delay_ms);
	if (rc == 0)
		rc = parse_action(ctx, s, "dpd_action", false,
				  &conn->dpd_action);
	if (rc == 0)
		rc = parse_action(ctx, s, "close_action", true,
				  &conn->close_action);
	return rc;
}

const char *sa_action_name(enum sa_action action)
{
	return (unsigned)action < 4 ? action_names[action] : "?";
}
