/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CREST_CONFIG_LIFETIME_H
#define CREST_CONFIG_LIFETIME_H

#include "config/config.h"
#include "config/settings.h"

/* Defaults as strongSwan's: rekey IKE SAs every 4 h, CHILD_SAs every 1 h,
 * hard limits 10 % later, and up to that 10 % of random jitter. */
#define LIFETIME_DEFAULT_IKE_REKEY_MS   (4u * 3600 * 1000)
#define LIFETIME_DEFAULT_CHILD_REKEY_MS (3600u * 1000)

/* Reads the lifetime keys of a connection and fills in their defaults. */
int lifetime_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
		   struct cfg_conn *conn);

/* Liveness check defaults: every 30 s of silence, as WireGuard's and
 * OpenVPN's usual keepalive settings do. */
#define LIVENESS_DEFAULT_DPD_DELAY_MS (30u * 1000)

/* Reads dpd_delay, dpd_action and close_action; start_action must be
 * parsed first because the action defaults follow it. */
int liveness_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
		   struct cfg_conn *conn);

#endif
