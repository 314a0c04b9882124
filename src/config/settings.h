/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Typed access to libconfig settings for the configuration and secrets
 * parsers.  Every getter checks the setting's type and range and, on error,
 * writes "FILE:LINE: message" into the context's buffer and returns -EINVAL.
 */
#ifndef CREST_CONFIG_SETTINGS_H
#define CREST_CONFIG_SETTINGS_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

struct cfg_ctx {
	const char *file; /* name used in error messages */
	char *err;
	size_t errlen;
};

/* Line of a setting, or of its nearest ancestor that has one; 0 if none. */
int cfg_line(const config_setting_t *s);

/* Formats "FILE:LINE: message" for the setting `at` and returns -EINVAL. */
int cfg_fail(const struct cfg_ctx *ctx, const config_setting_t *at,
             const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Rejects any member of `group` whose name is not in the NULL-terminated
 * `keys`, so that a misspelt key is an error instead of being ignored. */
int cfg_check_keys(const struct cfg_ctx *ctx, const config_setting_t *group,
                   const char *what, const char *const *keys);

/* Sets *out to the string value of group.key, or to NULL if the key is
 * absent and not required. */
int cfg_get_string(const struct cfg_ctx *ctx, const config_setting_t *group,
                   const char *key, bool required, const char **out);

/* Copies a name (1 to len-1 letters, digits, '.', '_' or '-'). */
int cfg_get_name(const struct cfg_ctx *ctx, const config_setting_t *group,
                 const char *key, char *out, size_t len);

/* Integer in [min, max]; *out is left alone if the key is absent. */
int cfg_get_uint(const struct cfg_ctx *ctx, const config_setting_t *group,
                 const char *key, unsigned min, unsigned max, unsigned *out);

/* Seconds as an integer or float, stored in milliseconds, in [min, max]
 * milliseconds; *out_ms is left alone if the key is absent. */
int cfg_get_seconds(const struct cfg_ctx *ctx, const config_setting_t *group,
                    const char *key, unsigned min_ms, unsigned max_ms,
                    unsigned *out_ms);

/* Boolean; *out is left alone if the key is absent. */
int cfg_get_bool(const struct cfg_ctx *ctx, const config_setting_t *group,
                 const char *key, bool *out);

/* Log level name; *out is left alone if the key is absent. */
int cfg_get_log_level(const struct cfg_ctx *ctx, const config_setting_t *group,
                      int *out);

/* Sets *out to group.key, an array or list of 1 to max strings, or to NULL
 * if the key is absent and not required. */
int cfg_get_string_list(const struct cfg_ctx *ctx,
                        const config_setting_t *group, const char *key,
                        bool required, size_t max, config_setting_t **out);

#endif
