// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The secrets file, in libconfig syntax:
 *
 *	psk = ( { local = "ID"; remote = "ID"; secret = "..."; }, ... );
 *
 * A secret starting with 0x is hex; any other secret is used as its bytes.
 * No message written here contains a secret or a part of one.
 */
#include "config/secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/identity.h"
#include "config/settings.h"
#include "config/source.h"
#include "util/secure.h"

static const char *const top_keys[] = {"psk", NULL};
static const char *const psk_keys[] = {"local", "remote", "secret", NULL};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a secret into a new buffer; on error nothing is allocated. */
static int decode_secret(const struct cfg_ctx *ctx, const config_setting_t *s,
                         const char *v, struct psk_entry *e)
{
	size_t len = strlen(v);
	bool hex = len >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
	size_t n = hex ? (len - 2) / 2 : len;

	if (n == 0 || (hex && (len - 2) % 2))
		return cfg_fail(ctx, s,
		                hex ? "secret has an odd number of hex digits "
		                      "or none after 0x; write whole bytes"
		                    : "secret is empty; set a long random "
		                      "secret");
	uint8_t *key = malloc(n);
	if (!key)
		return -ENOMEM;
	if (!hex) {
		memcpy(key, v, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			int hi = hex_value(v[2 + 2 * i]);
			int lo = hex_value(v[3 + 2 * i]);
			if (hi < 0 || lo < 0) {
				secure_zero(key, n);
				free(key);
				return cfg_fail(ctx, s,
				                "secret contains a character "
				                "that is not a hex digit after "
				                "0x; use 0-9 and a-f only");
			}
			key[i] = (uint8_t)(hi << 4 | lo);
		}
	}
	e->key = key;
	e->key_len = n;
	return 0;
}

static int parse_id(const struct cfg_ctx *ctx, const config_setting_t *s,
                    const char *key, struct cfg_identity *out)
{
	char msg[384];
	const char *v;
	int rc = cfg_get_string(ctx, s, key, true, &v);
	if (rc < 0)
		return rc;
	if (config_parse_identity(v, out, msg, sizeof(msg)) < 0)
		return cfg_fail(ctx, config_setting_get_member(s, key),
		                "%s: %s", key, msg);
	return 0;
}

static bool same_pair(const struct psk_entry *a, const struct psk_entry *b)
{
	return (identity_equal(&a->local_id, &b->local_id) &&
	        identity_equal(&a->remote_id, &b->remote_id)) ||
	       (identity_equal(&a->local_id, &b->remote_id) &&
	        identity_equal(&a->remote_id, &b->local_id));
}

static int parse_entry(const struct cfg_ctx *ctx, const config_setting_t *s,
                       const struct secrets *done, struct psk_entry *e)
{
	const char *v;

	if (!config_setting_is_group(s))
		return cfg_fail(
		        ctx, s,
		        "each entry of psk must be a group { local = "
		        "\"...\"; remote = \"...\"; secret = \"...\"; }");
	int rc = cfg_check_keys(ctx, s, "psk entry", psk_keys);
	if (rc == 0)
		rc = parse_id(ctx, s, "local", &e->local_id);
	if (rc == 0)
		rc = parse_id(ctx, s, "remote", &e->remote_id);
	if (rc == 0)
		rc = cfg_get_string(ctx, s, "secret", true, &v);
	if (rc < 0)
		return rc;

	for (size_t i = 0; i < done->n_psks; i++) {
		if (same_pair(e, &done->psks[i]))
			return cfg_fail(ctx, s,
			                "a second secret for \"%s\" and \"%s\" "
			                "(either order); keep one entry",
			                e->local_id.text, e->remote_id.text);
	}
	return decode_secret(ctx, config_setting_get_member(s, "secret"), v, e);
}

static int parse_psks(const struct cfg_ctx *ctx, const config_setting_t *root,
                      struct secrets *out)
{
	int rc = cfg_check_keys(ctx, root, "the secrets file", top_keys);
	if (rc < 0)
		return rc;
	config_setting_t *list = config_setting_get_member(root, "psk");
	if (!list)
		return 0;
	if (!config_setting_is_list(list))
		return cfg_fail(ctx, list,
		                "psk must be a list of groups: psk = ( { ... } "
		                ");");

	int n = config_setting_length(list);
	if (n == 0)
		return 0;
	out->psks = calloc((size_t)n, sizeof(*out->psks));
	if (!out->psks)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		rc = parse_entry(ctx, config_setting_get_elem(list, i), out,
		                 &out->psks[i]);
		if (rc < 0)
			return rc;
		out->n_psks++;
	}
	return 0;
}

/*
 * Overwrites libconfig's copy of every secret string.  This cannot reach the
 * other copies libconfig 1.5 makes while scanning (its input buffer and the
 * string being assembled), which it frees without wiping.
 */
static void wipe_tree(config_t *lc)
{
	config_setting_t *list = config_lookup(lc, "psk");
	int n = list && config_setting_is_aggregate(list)
	                ? config_setting_length(list)
	                : 0;

	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		config_setting_t *s =
		        config_setting_is_group(e)
		                ? config_setting_get_member(e, "secret")
		                : NULL;
		if (s && config_setting_type(s) == CONFIG_TYPE_STRING) {
			char *v = (char *)config_setting_get_string(s);
			secure_zero(v, strlen(v));
		}
	}
}

int secrets_load_string(const char *text, const char *name, struct secrets *out,
                        char *err, size_t errlen)
{
	struct cfg_ctx ctx = {.file = name, .err = err, .errlen = errlen};
	struct secrets s = {0};
	config_t lc;

	config_init(&lc);
	int rc = source_parse(&lc, text, name, err, errlen);
	if (rc == 0)
		rc = parse_psks(&ctx, config_root_setting(&lc), &s);
	wipe_tree(&lc);
	config_destroy(&lc);

	if (rc < 0) {
		secrets_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}

static int check_mode(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
		         "%s: mode %04o lets group or others %s the secrets; "
		         "run chmod 600 %s",
		         path, (unsigned)(st.st_mode & 07777),
		         st.st_mode & 044 ? "read" : "access", path);
		return -EPERM;
	}
	return 0;
}

int secrets_load(const char *path, struct secrets *out, char *err,
                 size_t errlen)
{
	char *text;
	size_t len;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	int rc = check_mode(fd, path, err, errlen);
	if (rc == 0)
		rc = source_read(fd, path, &text, &len, err, errlen);
	close(fd);
	if (rc < 0)
		return rc;

	if (strlen(text) != len) {
		snprintf(err, errlen,
		         "%s: file contains a NUL byte; save it as plain text",
		         path);
		rc = -EINVAL;
	} else {
		rc = secrets_load_string(text, path, out, err, errlen);
	}
	secure_zero(text, len);
	free(text);
	return rc;
}

const struct psk_entry *secrets_find_psk(const struct secrets *s,
                                         const struct cfg_identity *local,
                                         const struct cfg_identity *remote)
{
	for (size_t i = 0; i < s->n_psks; i++) {
		const struct psk_entry *e = &s->psks[i];
		if (identity_equal(&e->local_id, local) &&
		    identity_equal(&e->remote_id, remote))
			return e;
		if (identity_equal(&e->local_id, remote) &&
		    identity_equal(&e->remote_id, local))
			return e;
	}
	return NULL;
}

void secrets_free(struct secrets *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_psks; i++) {
		secure_zero(s->psks[i].key, s->psks[i].key_len);
		free(s->psks[i].key);
	}
	free(s->psks);
	s->psks = NULL;
	s->n_psks = 0;
}

bool secrets_missing_psk(const struct cfg *cfg, const struct secrets *s,
                         size_t n, char *out, size_t outlen)
{
	for (size_t r = 0; r < cfg->n_realms; r++)
		for (size_t i = 0; i < cfg->realms[r].n_conns; i++) {
			const struct cfg_conn *c = &cfg->realms[r].conns[i];
			if (secrets_find_psk(s, &c->local_id, &c->remote_id))
				continue;
			if (n-- > 0)
				continue;
			snprintf(out, outlen,
			         "connection %s has no PSK for %s and %s in %s; "
			         "it cannot authenticate",
			         c->name, c->local_id.text, c->remote_id.text,
			         cfg->secrets_path);
			return true;
		}
	return false;
}
