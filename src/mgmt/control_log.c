// SPDX-License-Identifier: LGPL-2.1-or-later
/* The "log" command: the newest lines of the in-memory log ring. */
#include <stdlib.h>
#include <string.h>

#include "mgmt/control_commands.h"
#include "util/logring.h"

#define LOG_DEFAULT_LINES 100

/* A JSON string of line with every byte outside printable ASCII replaced
 * by '?', because jansson rejects strings that are not valid UTF-8. */
static json_t *printable_string(const char *line)
{
	char *copy = strdup(line);
	if (!copy)
		return NULL;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	json_t *s = json_string(copy);
	free(copy);
	return s;
}

json_t *control_cmd_log(const struct control_ctx *ctx, const json_t *req)
{
	json_int_t want = LOG_DEFAULT_LINES;
	const json_t *lines = json_object_get(req, "lines");
	if (lines) {
		want = json_integer_value(lines);
		if (!json_is_integer(lines) || want < 1 || want > LOGRING_LINES)
			return control_error(
			        CONTROL_ERR_INVALID_ARG,
			        "\"lines\" must be an integer from "
			        "1 to %d",
			        LOGRING_LINES);
	}

	size_t count = logring_count();
	size_t first = count > (size_t)want ? count - (size_t)want : 0;
	json_t *list = json_array();
	for (size_t i = first; list && i < count; i++)
		if (json_array_append_new(
		            list, printable_string(logring_line(i))) < 0) {
			json_decref(list);
			return NULL;
		}
	return json_pack("{s:o}", "lines", list);
}
