// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Request parsing and the command table.  Commands that take arguments
 * (initiate, terminate, rekey, log) read them from members of the
 * request object, so every handler gets the whole request.
 */
#include "mgmt/control_commands.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

struct control_command {
	const char *name;
	json_t *(*run)(const struct control_ctx *ctx, const json_t *req);
};

static const struct control_command commands[] = {
        {"status", control_cmd_status},
        {"sas", control_cmd_sas},
        {"counters", control_cmd_counters},
        {"connections", control_cmd_connections},
        {"initiate", control_cmd_initiate},
        {"terminate", control_cmd_terminate},
        {"rekey", control_cmd_rekey},
        {"reload", control_cmd_reload},
        {"log", control_cmd_log},
};

json_t *control_error(const char *code, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	/* The text may quote request bytes, and truncation may split a UTF-8
	 * sequence, which jansson rejects: keep printable ASCII only. */
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return json_pack("{s:s, s:s}", "error", text, "code", code);
}

json_t *control_u64(uint64_t value)
{
	if (value > INT64_MAX)
		value = INT64_MAX;
	return json_integer((json_int_t)value);
}

static const struct control_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

json_t *control_run(const struct control_ctx *ctx, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req)
		return control_error(CONTROL_ERR_INVALID_JSON,
		                     "invalid JSON at column %d: %s",
		                     jerr.column, jerr.text);

	json_t *resp;
	const char *name = json_string_value(json_object_get(req, "command"));
	const struct control_command *cmd = name ? find_command(name) : NULL;
	if (!json_is_object(req) || !name) {
		resp = control_error(CONTROL_ERR_INVALID_REQUEST,
		                     "a request must be a JSON object with a "
		                     "string member \"command\"");
	} else if (!cmd) {
		resp = control_error(CONTROL_ERR_UNKNOWN_COMMAND,
		                     "unknown command \"%.64s\"", name);
	} else {
		log_debug("control", "request \"%s\"", cmd->name);
		resp = cmd->run(ctx, req);
	}
	json_decref(req);
	return resp;
}
