/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers for IKE identities beyond config_parse_identity. */
#ifndef CREST_CONFIG_IDENTITY_H
#define CREST_CONFIG_IDENTITY_H

#include <stdbool.h>
#include <sys/socket.h>

#include "config/config.h"

/* Sets an ID_IPV4_ADDR or ID_IPV6_ADDR identity from a gateway address. */
void identity_from_addr(const struct sockaddr_storage *addr,
                        struct cfg_identity *out);

/* Whether two identities have the same type and data. */
bool identity_equal(const struct cfg_identity *a, const struct cfg_identity *b);

#endif
