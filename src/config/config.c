// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Top level of the configuration file: global keys, the list of realms, and
 * checks that span realms (unique names).  Realms and connections are parsed
 * in realm.c and conn.c.
 */
#include "config/config.h"

#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/realm.h"
#include "config/settings.h"
#include "config/source.h"
#include "util/log.h"

static const char *const top_keys[] = {
        "log_level",
        "secrets",
        "realms",
        NULL,
};

/* Resolves the secrets path against the folder of the configuration. */
static int set_secrets_path(const struct cfg_ctx *ctx,
                            const config_setting_t *root, struct cfg *cfg)
{
	const char *v;
	int rc = cfg_get_string(ctx, root, "secrets", true, &v);
	if (rc < 0)
		return rc;

	const char *slash = strrchr(cfg->path, '/');
	int dir_len = v[0] != '/' && slash ? (int)(slash - cfg->path) + 1 : 0;
	int n = snprintf(cfg->secrets_path, sizeof(cfg->secrets_path), "%.*s%s",
	                 dir_len, cfg->path, v);
	if (v[0] == '\0' || n < 0 || (size_t)n >= sizeof(cfg->secrets_path))
		return cfg_fail(ctx, config_setting_get_member(root, "secrets"),
		                "invalid secrets path \"%.80s\"; name a file "
		                "of at most %zu characters",
		                v, sizeof(cfg->secrets_path) - 1);
	return 0;
}

static int parse_realms(const struct cfg_ctx *ctx, const config_setting_t *root,
                        struct cfg *cfg)
{
	config_setting_t *list = config_setting_get_member(root, "realms");
	if (!list)
		return cfg_fail(
		        ctx, root,
		        "missing required key \"realms\"; add realms "
		        "= ( { name = \"...\"; tun = \"...\"; ... } );");
	if (!config_setting_is_list(list) || config_setting_length(list) == 0)
		return cfg_fail(ctx, list,
		                "realms must be a non-empty list of groups: "
		                "realms = ( { ... } );");

	int n = config_setting_length(list);
	if (n > CFG_MAX_REALMS)
		return cfg_fail(ctx, list,
		                "%d realms are configured; at most %d are "
		                "allowed",
		                n, CFG_MAX_REALMS);
	cfg->realms = calloc((size_t)n, sizeof(*cfg->realms));
	if (!cfg->realms)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		/* Counted before parsing, so config_free also releases the
		 * connections of a realm that failed half way. */
		cfg->n_realms++;
		int rc = realm_parse(ctx, config_setting_get_elem(list, i),
		                     &cfg->realms[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static const config_setting_t *realm_setting(const config_setting_t *root,
                                             size_t i)
{
	config_setting_t *list = config_setting_get_member(root, "realms");
	return config_setting_get_elem(list, (unsigned)i);
}

static int check_realms_unique(const struct cfg_ctx *ctx,
                               const config_setting_t *root,
                               const struct cfg *cfg)
{
	for (size_t i = 0; i < cfg->n_realms; i++) {
		const struct cfg_realm *r = &cfg->realms[i];
		const config_setting_t *s = realm_setting(root, i);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(r->name, cfg->realms[j].name) == 0)
				return cfg_fail(
				        ctx,
				        config_setting_get_member(s, "name"),
				        "duplicate realm name \"%s\"; give "
				        "each realm its own name",
				        r->name);
			if (strcmp(r->tun_name, cfg->realms[j].tun_name) == 0)
				return cfg_fail(
				        ctx,
				        config_setting_get_member(s, "tun"),
				        "TUN device \"%s\" is used by realms "
				        "\"%s\" and \"%s\"; give each realm "
				        "its "
				        "own tun",
				        r->tun_name, cfg->realms[j].name,
				        r->name);
		}
	}
	return 0;
}

/* Whether a connection before realms[ri].conns[ci] has the same name. */
static bool conn_name_seen(const struct cfg *cfg, size_t ri, size_t ci)
{
	const char *name = cfg->realms[ri].conns[ci].name;

	for (size_t i = 0; i <= ri; i++) {
		size_t end = i == ri ? ci : cfg->realms[i].n_conns;
		for (size_t j = 0; j < end; j++) {
			if (strcmp(cfg->realms[i].conns[j].name, name) == 0)
				return true;
		}
	}
	return false;
}

static int check_conns_unique(const struct cfg_ctx *ctx,
                              const config_setting_t *root,
                              const struct cfg *cfg)
{
	for (size_t ri = 0; ri < cfg->n_realms; ri++) {
		const struct cfg_realm *r = &cfg->realms[ri];
		for (size_t ci = 0; ci < r->n_conns; ci++) {
			if (!conn_name_seen(cfg, ri, ci))
				continue;
			const config_setting_t *list =
			        config_setting_get_member(
			                realm_setting(root, ri), "connections");
			const config_setting_t *s =
			        config_setting_get_elem(list, (unsigned)ci);
			return cfg_fail(ctx,
			                config_setting_get_member(s, "name"),
			                "duplicate connection name \"%s\"; "
			                "connection names must be unique "
			                "across all realms",
			                r->conns[ci].name);
		}
	}
	return 0;
}

static int parse_root(const struct cfg_ctx *ctx, const config_setting_t *root,
                      struct cfg *cfg)
{
	cfg->log_level = LOG_INFO;

	int rc = cfg_check_keys(ctx, root, "the top level", top_keys);
	if (rc == 0)
		rc = cfg_get_log_level(ctx, root, &cfg->log_level);
	if (rc == 0)
		rc = set_secrets_path(ctx, root, cfg);
	if (rc == 0)
		rc = parse_realms(ctx, root, cfg);
	if (rc == 0)
		rc = check_realms_unique(ctx, root, cfg);
	if (rc == 0)
		rc = check_conns_unique(ctx, root, cfg);
	return rc;
}

int config_load_string(const char *text, const char *name, struct cfg *out,
                       char *err, size_t errlen)
{
	struct cfg_ctx ctx = {.file = name, .err = err, .errlen = errlen};
	struct cfg *cfg = calloc(1, sizeof(*cfg));
	config_t lc;

	if (!cfg)
		return -ENOMEM;
	if (strlen(name) >= sizeof(cfg->path)) {
		snprintf(err, errlen, "%.64s...: path is too long", name);
		free(cfg);
		return -ENAMETOOLONG;
	}
	strcpy(cfg->path, name);

	config_init(&lc);
	int rc = source_parse(&lc, text, name, err, errlen);
	if (rc == 0)
		rc = parse_root(&ctx, config_root_setting(&lc), cfg);
	config_destroy(&lc);

	if (rc == 0)
		*out = *cfg;
	else
		config_free(cfg);
	free(cfg);
	return rc;
}

int config_load(const char *path, struct cfg *out, char *err, size_t errlen)
{
	char *text;
	size_t len;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer;
	 * source_read then rejects anything but a regular file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	int rc = source_read(fd, path, &text, &len, err, errlen);
	close(fd);
	if (rc < 0)
		return rc;
	if (strlen(text) != len) {
		snprintf(err, errlen,
		         "%s: file contains a NUL byte; save it as plain text",
		         path);
		free(text);
		return -EINVAL;
	}
	rc = config_load_string(text, path, out, err, errlen);
	free(text);
	return rc;
}

void config_free(struct cfg *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_realms; i++)
		free(cfg->realms[i].conns);
	free(cfg->realms);
	cfg->realms = NULL;
	cfg->n_realms = 0;
}

struct cfg_conn *config_find_conn(const struct cfg *cfg, const char *name)
{
	for (size_t r = 0; r < cfg->n_realms; r++)
		for (size_t i = 0; i < cfg->realms[r].n_conns; i++)
			if (strcmp(cfg->realms[r].conns[i].name, name) == 0)
				return &cfg->realms[r].conns[i];
	return NULL;
}

const struct sockaddr_storage *
config_gateway_in(const struct cfg_conn *conn,
                  const struct traffic_selector *ts)
{
	const struct sockaddr_storage *ends[] = {&conn->local_addr,
	                                         &conn->remote_addr};
	for (size_t i = 0; i < 2; i++) {
		const void *addr =
		        ends[i]->ss_family == AF_INET
		                ? (const void *)&((const struct sockaddr_in *)
		                                          ends[i])
		                          ->sin_addr
		                : (const void *)&((const struct sockaddr_in6 *)
		                                          ends[i])
		                          ->sin6_addr;
		if (ts_contains_addr(ts, ends[i]->ss_family, addr))
			return ends[i];
	}
	return NULL;
}
