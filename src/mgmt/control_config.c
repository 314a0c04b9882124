// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The "reload" and "check" commands.  check parses a file and its secrets
 * file and frees both: only the counts go into the response, and the
 * parsers' error messages name the file, line and key but never quote a
 * secret.
 */
#include <errno.h>

#include "config/secrets.h"
#include "mgmt/control_commands.h"

json_t *control_cmd_reload(const struct control_ctx *ctx, const json_t *req)
{
	if (!ctx->reload)
		return control_error(CONTROL_ERR_FAILED,
		                     "this daemon cannot reload its "
		                     "configuration");

	struct control_reload_result res = {0};
	char err[1024];
	int rc = ctx->reload(ctx->reload_arg, &res, err, sizeof(err));
	if (rc < 0)
		return control_error(rc == -ENOTSUP
		                             ? CONTROL_ERR_RESTART
		                             : CONTROL_ERR_INVALID_CONFIG,
		                     "%s", err);
	return json_pack("{s:s, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I}, s:I}",
	                 "config", ctx->cfg->path, "connections", "unchanged",
	                 (json_int_t)res.unchanged, "changed",
	                 (json_int_t)res.changed, "added",
	                 (json_int_t)res.added, "removed",
	                 (json_int_t)res.removed, "sas", "kept",
	                 (json_int_t)res.sas_kept, "deleted",
	                 (json_int_t)res.sas_deleted, "initiated",
	                 (json_int_t)res.initiated);
}

static json_t *check_counts(const char *file, const struct cfg *cfg,
                            const struct secrets *secrets)
{
	size_t conns = 0;
	for (size_t i = 0; i < cfg->n_realms; i++)
		conns += cfg->realms[i].n_conns;
	json_t *warnings = json_array();
	char text[1024];
	for (size_t n = 0;
	     warnings && secrets_missing_psk(cfg, secrets, n, text, sizeof(text));
	     n++)
		json_array_append_new(warnings, json_string(text));
	return json_pack("{s:s, s:b, s:I, s:I, s:I, s:o}", "file", file,
	                 "valid", true, "realms", (json_int_t)cfg->n_realms,
	                 "connections", (json_int_t)conns, "psks",
	                 (json_int_t)secrets->n_psks, "warnings", warnings);
}

json_t *control_cmd_check(const struct control_ctx *ctx, const json_t *req)
{
	const char *file = json_string_value(json_object_get(req, "file"));
	if (!file || !file[0])
		return control_error(CONTROL_ERR_INVALID_ARG,
		                     "missing string member \"file\"");

	struct cfg cfg;
	struct secrets secrets;
	char err[1024];
	if (config_load(file, &cfg, err, sizeof(err)) < 0)
		return control_error(CONTROL_ERR_INVALID_CONFIG, "%s", err);
	if (secrets_load(cfg.secrets_path, &secrets, err, sizeof(err)) < 0) {
		config_free(&cfg);
		return control_error(CONTROL_ERR_INVALID_CONFIG, "%s", err);
	}

	json_t *resp = check_counts(file, &cfg, &secrets);
	secrets_free(&secrets);
	config_free(&cfg);
	return resp;
}
