// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Inner packet checks for tunnel mode.  The inner packet must fill the ESP
 * payload exactly, and its addresses (and its protocol and ports where a
 * selector narrows them) must lie inside the SA's traffic selectors, as
 * RFC 4301 requires of inbound IPsec traffic.
 */
#include "esp/inner.h"

#include <errno.h>
#include <sys/socket.h>

#include "wire/ts.h"

#define IPV4_MIN_HEADER     20
#define IPV6_HEADER         40
#define IPV6_MAX_EXTENSIONS 8

#define PROTO_HOPOPTS  0
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ROUTING  43
#define PROTO_FRAGMENT 44
#define PROTO_DSTOPTS  60

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Reads the ports of a TCP or UDP header at offset off, if present. */
static void read_ports(const uint8_t *pkt, size_t len, size_t off,
                       struct esp_inner_flow *flow)
{
	if ((flow->proto != PROTO_TCP && flow->proto != PROTO_UDP) ||
	    len < off || len - off < 4)
		return;
	flow->sport = get_be16(pkt + off);
	flow->dport = get_be16(pkt + off + 2);
	flow->has_ports = true;
}

static int parse_ipv4(const uint8_t *pkt, size_t len,
                      struct esp_inner_flow *flow)
{
	if (len < IPV4_MIN_HEADER || pkt[0] >> 4 != 4)
		return -EBADMSG;
	size_t header_len = (size_t)(pkt[0] & 0x0f) * 4;
	if (header_len < IPV4_MIN_HEADER || header_len > len ||
	    get_be16(pkt + 2) != len)
		return -EBADMSG;

	flow->family = AF_INET;
	flow->proto = pkt[9];
	flow->src = pkt + 12;
	flow->dst = pkt + 16;
	/* Only the first fragment (offset 0) carries the ports. */
	if ((get_be16(pkt + 6) & 0x1fff) == 0)
		read_ports(pkt, len, header_len, flow);
	return 0;
}

/*
 * Walks the IPv6 extension headers that may precede the upper-layer
 * header, so the selector check uses the upper-layer protocol.  A later
 * fragment carries no ports, and any other header ends the walk.
 */
static void walk_ipv6(const uint8_t *pkt, size_t len,
                      struct esp_inner_flow *flow)
{
	uint8_t next = pkt[6];
	size_t off = IPV6_HEADER;

	for (int i = 0; i < IPV6_MAX_EXTENSIONS; i++) {
		if (next != PROTO_HOPOPTS && next != PROTO_ROUTING &&
		    next != PROTO_DSTOPTS && next != PROTO_FRAGMENT)
			break;
		if (len - off < 8) {
			flow->proto = next;
			return;
		}
		const uint8_t *ext = pkt + off;
		if (next == PROTO_FRAGMENT) {
			if ((get_be16(ext + 2) & 0xfff8) != 0) {
				flow->proto = ext[0];
				return;
			}
			off += 8;
		} else {
			off += ((size_t)ext[1] + 1) * 8;
		}
		next = ext[0];
		if (off > len) {
			flow->proto = next;
			return;
		}
	}
	flow->proto = next;
	read_ports(pkt, len, off, flow);
}

static int parse_ipv6(const uint8_t *pkt, size_t len,
                      struct esp_inner_flow *flow)
{
	if (len < IPV6_HEADER || pkt[0] >> 4 != 6 ||
	    (size_t)get_be16(pkt + 4) + IPV6_HEADER != len)
		return -EBADMSG;

	flow->family = AF_INET6;
	flow->src = pkt + 8;
	flow->dst = pkt + 24;
	walk_ipv6(pkt, len, flow);
	return 0;
}

int esp_inner_parse(const uint8_t *pkt, size_t len, uint8_t next_header,
                    struct esp_inner_flow *flow)
{
	*flow = (struct esp_inner_flow){0};
	if (next_header == ESP_NEXT_IPV4)
		return parse_ipv4(pkt, len, flow);
	if (next_header == ESP_NEXT_IPV6)
		return parse_ipv6(pkt, len, flow);
	return -EBADMSG;
}

static bool ports_restricted(const struct traffic_selector *ts)
{
	return ts->start_port != 0 || ts->end_port != 0xffff;
}

/*
 * Matches one end of the flow.  Ports count only for TCP and UDP, and a
 * TCP or UDP packet without readable ports (a later fragment) does not
 * match a selector that narrows the ports.
 */
static bool selector_matches(const struct traffic_selector *ts,
                             const struct esp_inner_flow *flow,
                             const uint8_t *addr, uint16_t port)
{
	if (!ts_contains_addr(ts, flow->family, addr))
		return false;
	if (ts->ip_proto != 0 && ts->ip_proto != flow->proto)
		return false;
	if (!ports_restricted(ts))
		return true;
	if (flow->proto != PROTO_TCP && flow->proto != PROTO_UDP)
		return true;
	return flow->has_ports && port >= ts->start_port &&
	       port <= ts->end_port;
}

static bool any_matches(const struct traffic_selector *list, size_t n,
                        const struct esp_inner_flow *flow, const uint8_t *addr,
                        uint16_t port)
{
	for (size_t i = 0; i < n && i < ESP_MAX_TS; i++)
		if (selector_matches(&list[i], flow, addr, port))
			return true;
	return false;
}

bool esp_inner_allowed(const struct esp_sa *sa,
                       const struct esp_inner_flow *flow)
{
	if (sa->n_local_ts == 0 && sa->n_remote_ts == 0)
		return true;
	return any_matches(sa->remote_ts, sa->n_remote_ts, flow, flow->src,
	                   flow->sport) &&
	       any_matches(sa->local_ts, sa->n_local_ts, flow, flow->dst,
	                   flow->dport);
}
