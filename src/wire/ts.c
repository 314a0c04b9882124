// SPDX-License-Identifier: LGPL-2.1-or-later
#include "wire/ts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

size_t ts_addr_len(uint8_t type)
{
	switch (type) {
	case TS_IPV4_ADDR_RANGE:
		return 4;
	case TS_IPV6_ADDR_RANGE:
		return 16;
	default:
		return 0;
	}
}

int ts_from_prefix(int family, const uint8_t *addr, unsigned prefix,
		   struct traffic_selector *out)
{
	size_t alen = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	if (alen == 0 || prefix > alen * 8)
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	out->type = alen == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
	out->end_port = 0xffff;
	for (size_t i = 0; i < alen; i++) {
		unsigned bits = prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		out->start[i] = addr[i] & mask;
		out->end[i] = addr[i] | (uint8_t)~mask;
	}
	return 0;
}

bool ts_contains_addr(const struct traffic_selector *ts, int family,
		      const uint8_t *addr)
{
	size_t alen = ts_addr_len(ts->type);
	if ((family == AF_INET && alen != 4) ||
	    (family == AF_INET6 && alen != 16) || alen == 0)
		return false;
	return memcmp(addr, ts->start, alen) >= 0 &&
	       memcmp(addr, ts->end, alen) <= 0;
}

bool ts_intersect(const struct traffic_selector *a,
		  const struct traffic_selector *b,
		  struct traffic_selector *out)
{
	size_t alen = ts_addr_len(a->type);
	if (alen == 0 || a->type != b->type)
		return false;
	if (a->ip_proto && b->ip_proto && a->ip_proto != b->ip_proto)
		return false;

	struct traffic_selector r = *a;
	r.ip_proto = a->ip_proto ? a->ip_proto : b->ip_proto;
	r.start_port = a->start_port > b->start_port ? a->start_port
						     : b->start_port;
	r.end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	if (memcmp(b->start, a->start, alen) > 0)
		memcpy(r.start, b->start, alen);
	if (memcmp(b->end, a->end, alen) < 0)
		memcpy(r.end, b->end, alen);
	if (r.start_port > r.end_port || memcmp(r.start, r.end, alen) > 0)
		return false;
	*out = r;
	return true;
}

bool ts_to_prefix(const struct traffic_selector *ts, int *family,
		  uint8_t *addr, unsigned *prefix)
{
	size_t alen = ts_addr_len(ts->type);
	if (alen == 0)
		return false;

	/* Count the leading bits where start and end agree. */
	unsigned p = 0;
	while (p < alen * 8) {
		unsigned byte = p / 8, bit = 7 - p % 8;
		if (((ts->start[byte] ^ ts->end[byte]) >> bit) & 1)
			break;
		p++;
	}
	struct traffic_selector check;
	if (ts_from_prefix(alen == 4 ? AF_INET : AF_INET6, ts->start, p,
			   &check) < 0 ||
	    memcmp(check.start, ts->start, alen) != 0 ||
	    memcmp(check.end, ts->end, alen) != 0)
		return false;
	*family = alen == 4 ? AF_INET : AF_INET6;
	memcpy(addr, ts->start, alen);
	*prefix = p;
	return true;
}

void ts_format(const struct traffic_selector *ts, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int family;
	uint8_t addr[16];
	unsigned prefix;
	size_t n;

	if (ts_to_prefix(ts, &family, addr, &prefix)) {
		inet_ntop(family, addr, a, sizeof(a));
		n = (size_t)snprintf(buf, len, "%s/%u", a, prefix);
	} else {
		family = ts->type == TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
		inet_ntop(family, ts->start, a, sizeof(a));
		inet_ntop(family, ts->end, b, sizeof(b));
		n = (size_t)snprintf(buf, len, "%s-%s", a, b);
	}
	if (n < len && (ts->ip_proto || ts->start_port != 0 ||
			ts->end_port != 0xffff))
		snprintf(buf + n, len - n, "[%u/%u-%u]", ts->ip_proto,
			 ts->start_port, ts->end_port);
}

void ts_format_list(const struct traffic_selector *ts, size_t n, char *buf,
		    size_t len)
{
	size_t used = 0;
	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		char one[128];
		ts_format(&ts[i], one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", one);
	}
}
