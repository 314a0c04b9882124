/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Traffic selectors (RFC 7296 3.13.1): address ranges with ports. */
#ifndef CREST_WIRE_TS_H
#define CREST_WIRE_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ts_type {
	TS_IPV4_ADDR_RANGE = 7,
	TS_IPV6_ADDR_RANGE = 8,
};

struct traffic_selector {
	uint8_t type;	  /* TS_IPV4_ADDR_RANGE or TS_IPV6_ADDR_RANGE */
	uint8_t ip_proto; /* 0 for any */
	uint16_t start_port;
	uint16_t end_port;
	uint8_t start[16]; /* 4 bytes used for IPv4 */
	uint8_t end[16];
};

/* Address length for a selector type: 4, 16, or 0 if the type is unknown. */
size_t ts_addr_len(uint8_t type);
/* Builds the selector that covers addr/prefix, any protocol and port. */
int ts_from_prefix(int family, const uint8_t *addr, unsigned prefix,
		   struct traffic_selector *out);
/* Whether an address of the given family lies inside the selector. */
bool ts_contains_addr(const struct traffic_selector *ts, int family,
		      const uint8_t *addr);
/* Intersection of two selectors; false if it is empty. */
bool ts_intersect(const struct traffic_selector *a,
		  const struct traffic_selector *b,
		  struct traffic_selector *out);
/* If the selector is exactly one CIDR prefix, returns true and sets it. */
bool ts_to_prefix(const struct traffic_selector *ts, int *family,
		  uint8_t *addr, unsigned *prefix);
/* Formats as "198.51.100.0/24" or "192.0.2.1-192.0.2.9[proto/ports]". */
void ts_format(const struct traffic_selector *ts, char *buf, size_t len);
/* Formats n selectors as "A, B, ..."; a list too long for buf is cut. */
void ts_format_list(const struct traffic_selector *ts, size_t n, char *buf,
		    size_t len);

#endif
