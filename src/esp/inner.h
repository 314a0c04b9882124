/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checks on the inner packet of a decrypted tunnel-mode ESP packet. */
#ifndef CREST_ESP_INNER_H
#define CREST_ESP_INNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp/esp.h"

#define ESP_NEXT_IPV4 4
#define ESP_NEXT_IPV6 41
#define ESP_NEXT_NONE 59 /* dummy packet (RFC 4303 2.6) */

/* Addresses, protocol and ports of an inner packet, as the check reads. */
struct esp_inner_flow {
	int family; /* AF_INET or AF_INET6 */
	const uint8_t *src;
	const uint8_t *dst;
	uint8_t proto;  /* upper-layer protocol after IPv6 extensions */
	bool has_ports; /* TCP or UDP with the ports present */
	uint16_t sport;
	uint16_t dport;
};

/*
 * Parses the inner IPv4 or IPv6 packet that fills the whole payload.
 * Returns 0, or -EBADMSG if the version does not match next_header, the
 * header is short or the length field differs from len.
 */
int esp_inner_parse(const uint8_t *pkt, size_t len, uint8_t next_header,
                    struct esp_inner_flow *flow);

/* Whether the flow passes the inbound selectors of the SA. */
bool esp_inner_allowed(const struct esp_sa *sa,
                       const struct esp_inner_flow *flow);

#endif
