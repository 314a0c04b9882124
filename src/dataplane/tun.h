/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CREST_DATAPLANE_TUN_H
#define CREST_DATAPLANE_TUN_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Opens (creating if needed) a TUN device without packet information
 * headers, non-blocking.  name may be a template such as "crest%d";
 * actual receives the kernel's name.  Returns the fd or -errno.
 */
int tun_open(const char *name, char actual[IFNAMSIZ]);

/*
 * Builds an ICMPv4 "fragmentation needed" (type 3 code 4) or ICMPv6
 * "packet too big" (type 2) message that answers the oversized inner packet
 * `pkt`, sent from `src` (the realm's inner address of the same family) to
 * pkt's source, with checksums set.  Quotes as much of pkt as fits in 576
 * bytes for IPv4 (RFC 1812 4.3.2.3) and 1280 bytes for IPv6 (RFC 4443).  Returns the message length, or 0 if no message must be
 * sent (pkt is itself an ICMP error, malformed, or has a non-unicast source).
 */
size_t icmp_build_too_big(const uint8_t *pkt, size_t len, unsigned mtu,
			  const uint8_t *src, uint8_t *out, size_t out_cap);

#endif
