/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Address and prefix syntax shared by the configuration parsers. */
#ifndef CREST_CONFIG_ADDR_H
#define CREST_CONFIG_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * Parses "192.0.2.1", "2001:db8::1", "192.0.2.1:4500" or
 * "[2001:db8::1]:4500"; without a port, default_port is used.  Returns 0 or
 * -EINVAL.
 */
int addr_parse_endpoint(const char *text, uint16_t default_port,
                        struct sockaddr_storage *out);

/*
 * Parses "ADDRESS/PREFIX" or a bare address, which means a full-length
 * prefix.  Returns 0, -EINVAL for a malformed string, or -ERANGE for a
 * prefix longer than the address.
 */
int addr_parse_prefix(const char *text, int *family, uint8_t addr[16],
                      unsigned *prefix);

/* Whether addr has bits set beyond the first `prefix` bits. */
bool addr_has_host_bits(int family, const uint8_t addr[16], unsigned prefix);

#endif
