/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Link, address and route configuration through rtnetlink (libmnl). */
#ifndef CREST_KEEPER_NETLINK_H
#define CREST_KEEPER_NETLINK_H

#include <stdint.h>

/* Each returns 0 or -errno (the kernel's error for a rejected request). */
int nl_link_up(const char *ifname, unsigned mtu);
int nl_addr_add(const char *ifname, int family, const uint8_t *addr,
		unsigned prefix);
/* Route dst/prefix via the device, with an optional preferred source. */
int nl_route_add(const char *ifname, int family, const uint8_t *dst,
		 unsigned prefix, const uint8_t *src);
int nl_route_del(const char *ifname, int family, const uint8_t *dst,
		 unsigned prefix);

#endif
