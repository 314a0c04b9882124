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

#endif
