/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of one realm group: its TUN device and its connections. */
#ifndef CREST_CONFIG_REALM_H
#define CREST_CONFIG_REALM_H

#include <libconfig.h>

#include "config/config.h"
#include "config/settings.h"

#define REALM_DEFAULT_PATH_MTU 1500

/* Fills *realm from the group `s`.  On error realm->conns may still be
 * allocated; config_free releases it. */
int realm_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
                struct cfg_realm *realm);

#endif
