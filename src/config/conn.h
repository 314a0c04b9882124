/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of one connection group inside a realm. */
#ifndef CREST_CONFIG_CONN_H
#define CREST_CONFIG_CONN_H

#include <libconfig.h>

#include "config/config.h"
#include "config/settings.h"

/* Defaults documented in docs/configuration.md. */
#define CONN_DEFAULT_PORT                  500
#define CONN_DEFAULT_RETRANSMIT_TIMEOUT_MS 1000
#define CONN_DEFAULT_RETRANSMIT_TRIES      5
#define CONN_DEFAULT_RETRANSMIT_GIVEUP_MS  60000
#define CONN_DEFAULT_KEEPALIVE_S           20

/* Fills *conn from the group `s`; conn->realm is set to realm. */
int conn_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
               struct cfg_realm *realm, struct cfg_conn *conn);

/* Reads a list of proposals; *n is 0 if the key is absent and optional. */
int conn_parse_proposals(const struct cfg_ctx *ctx, const config_setting_t *s,
                         const char *key, bool is_esp, bool required,
                         struct cfg_proposal *out, size_t *n);
/* Reads a list of subnets; *n is 0 if the key is absent and optional. */
int conn_parse_ts(const struct cfg_ctx *ctx, const config_setting_t *s,
                  const char *key, bool required, struct traffic_selector *out,
                  size_t *n);
/* Reads start_action; *out is left alone if the key is absent. */
int conn_parse_start_action(const struct cfg_ctx *ctx,
                            const config_setting_t *s, enum start_action *out);

/*
 * Fills conn->children from the connection's children list, or with one
 * child of the connection's own settings without that list, and sets
 * conn->start_action from the children's.
 */
int children_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
                   struct cfg_conn *conn);

#endif
