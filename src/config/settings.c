// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config/settings.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

int cfg_line(const config_setting_t *s)
{
	for (; s; s = config_setting_parent(s)) {
		int line = (int)config_setting_source_line(s);
		if (line > 0)
			return line;
	}
	return 0;
}

int cfg_fail(const struct cfg_ctx *ctx, const config_setting_t *at,
             const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Values quoted from the file may hold control characters or
	 * direction overrides that would garble a terminal or a log. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';

	int line = cfg_line(at);
	if (!ctx->err || ctx->errlen == 0)
		return -EINVAL;
	if (line > 0)
		snprintf(ctx->err, ctx->errlen, "%s:%d: %s", ctx->file, line,
		         msg);
	else
		snprintf(ctx->err, ctx->errlen, "%s: %s", ctx->file, msg);
	return -EINVAL;
}

static bool key_known(const char *name, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++) {
		if (strcmp(name, keys[i]) == 0)
			return true;
	}
	return false;
}

int cfg_check_keys(const struct cfg_ctx *ctx, const config_setting_t *group,
                   const char *what, const char *const *keys)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		if (!name || key_known(name, keys))
			continue;

		char list[640] = "";
		size_t used = 0;
		for (size_t k = 0; keys[k] && used < sizeof(list); k++)
			used += (size_t)snprintf(list + used,
			                         sizeof(list) - used, "%s%s",
			                         k ? ", " : "", keys[k]);
		return cfg_fail(ctx, s,
		                "unknown key \"%s\" in %s; valid keys are %s",
		                name, what, list);
	}
	return 0;
}

int cfg_get_string(const struct cfg_ctx *ctx, const config_setting_t *group,
                   const char *key, bool required, const char **out)
{
	config_setting_t *s = config_setting_get_member(group, key);

	*out = NULL;
	if (!s) {
		if (!required)
			return 0;
		return cfg_fail(ctx, group,
		                "missing required key \"%s\"; add %s = "
		                "\"...\";",
		                key, key);
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(ctx, s,
		                "%s must be a string; write %s = \"...\";", key,
		                key);
	*out = config_setting_get_string(s);
	return 0;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int cfg_get_name(const struct cfg_ctx *ctx, const config_setting_t *group,
                 const char *key, char *out, size_t len)
{
	const char *v;
	int rc = cfg_get_string(ctx, group, key, true, &v);
	if (rc < 0)
		return rc;

	size_t n = strlen(v);
	bool ok = n > 0 && n < len;
	for (size_t i = 0; ok && i < n; i++)
		ok = name_char_ok(v[i]);
	if (!ok)
		return cfg_fail(ctx, config_setting_get_member(group, key),
		                "invalid %s \"%s\"; use 1 to %zu letters, "
		                "digits, '.', '_' or '-'",
		                key, v, len - 1);
	memcpy(out, v, n + 1);
	return 0;
}

int cfg_get_uint(const struct cfg_ctx *ctx, const config_setting_t *group,
                 const char *key, unsigned min, unsigned max, unsigned *out)
{
	config_setting_t *s = config_setting_get_member(group, key);
	if (!s)
		return 0;

	int type = config_setting_type(s);
	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return cfg_fail(ctx, s,
		                "%s must be an integer from %u to %u, "
		                "without quotes",
		                key, min, max);
	/* NOTE: libconfig 1.5 keeps only the low 32 bits of an integer
	 * literal that does not fit in an int, so 4294968796 reads as 1500. */
	long long v = config_setting_get_int64(s);
	if (v < (long long)min || v > (long long)max)
		return cfg_fail(ctx, s,
		                "%s = %lld is out of range; use a value from "
		                "%u to %u",
		                key, v, min, max);
	*out = (unsigned)v;
	return 0;
}

int cfg_get_seconds(const struct cfg_ctx *ctx, const config_setting_t *group,
                    const char *key, unsigned min_ms, unsigned max_ms,
                    unsigned *out_ms)
{
	config_setting_t *s = config_setting_get_member(group, key);
	if (!s)
		return 0;

	double sec;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		sec = (double)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		sec = config_setting_get_float(s);
		break;
	default:
		return cfg_fail(ctx, s,
		                "%s must be a number of seconds such as 1.5, "
		                "without quotes",
		                key);
	}

	double ms = sec * 1000.0;
	/* Written as a negated range test so that NaN is rejected too. */
	if (!(ms >= (double)min_ms && ms <= (double)max_ms))
		return cfg_fail(ctx, s,
		                "%s = %g s is out of range; use %g to %g "
		                "seconds",
		                key, sec, min_ms / 1000.0, max_ms / 1000.0);
	*out_ms = (unsigned)(ms + 0.5);
	return 0;
}

int cfg_get_bool(const struct cfg_ctx *ctx, const config_setting_t *group,
                 const char *key, bool *out)
{
	config_setting_t *s = config_setting_get_member(group, key);
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return cfg_fail(ctx, s,
		                "%s must be true or false, without quotes",
		                key);
	*out = config_setting_get_bool(s) != 0;
	return 0;
}

int cfg_get_log_level(const struct cfg_ctx *ctx, const config_setting_t *group,
                      int *out)
{
	const char *v;
	int rc = cfg_get_string(ctx, group, "log_level", false, &v);
	if (rc < 0 || !v)
		return rc;

	int level = log_level_parse(v);
	if (level < 0)
		return cfg_fail(ctx,
		                config_setting_get_member(group, "log_level"),
		                "invalid log_level \"%s\"; use error, warn, "
		                "info, debug or trace",
		                v);
	*out = level;
	return 0;
}

int cfg_get_string_list(const struct cfg_ctx *ctx,
                        const config_setting_t *group, const char *key,
                        bool required, size_t max, config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(group, key);

	*out = NULL;
	if (!s) {
		if (!required)
			return 0;
		return cfg_fail(ctx, group,
		                "missing required key \"%s\"; add %s = "
		                "[ \"...\" ];",
		                key, key);
	}
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s))
		return cfg_fail(ctx, s,
		                "%s must be a list of strings; write "
		                "%s = [ \"...\" ];",
		                key, key);

	int n = config_setting_length(s);
	if (n == 0)
		return cfg_fail(ctx, s, "%s is empty; list at least one entry",
		                key);
	if ((size_t)n > max)
		return cfg_fail(ctx, s,
		                "%s has %d entries; at most %zu are allowed",
		                key, n, max);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(ctx, e,
			                "entry %d of %s is not a string; put "
			                "it in double quotes",
			                i + 1, key);
	}
	*out = s;
	return 0;
}
