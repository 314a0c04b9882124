// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#define ADDR_TEXT_MAX 64

/* Parses a decimal port from 1 to 65535 with no sign or blanks. */
static int parse_port(const char *text, uint16_t *out)
{
	unsigned long v = 0;

	if (*text == '\0' || strlen(text) > 5)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static void set_v4(struct sockaddr_storage *out, const struct in_addr *a,
                   uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	sin->sin_family = AF_INET;
	sin->sin_addr = *a;
	sin->sin_port = htons(port);
}

static void set_v6(struct sockaddr_storage *out, const struct in6_addr *a,
                   uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = *a;
	sin6->sin6_port = htons(port);
}

/* Splits "[v6]:port" or "v4:port" into host and port parts. */
static int split_host_port(const char *text, char *host, const char **port)
{
	const char *sep;
	size_t hlen;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (close[1] != '\0' && close[1] != ':'))
			return -EINVAL;
		hlen = (size_t)(close - text - 1);
		sep = close[1] == ':' ? close + 1 : NULL;
		text++;
	} else {
		sep = strchr(text, ':');
		if (!sep || strchr(sep + 1, ':'))
			return -EINVAL;
		hlen = (size_t)(sep - text);
	}
	if (hlen == 0 || hlen >= ADDR_TEXT_MAX)
		return -EINVAL;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	*port = sep ? sep + 1 : NULL;
	return 0;
}

int addr_parse_endpoint(const char *text, uint16_t default_port,
                        struct sockaddr_storage *out)
{
	struct in_addr v4;
	struct in6_addr v6;
	char host[ADDR_TEXT_MAX];
	const char *port_text;
	uint16_t port = default_port;

	if (inet_pton(AF_INET, text, &v4) == 1) {
		set_v4(out, &v4, port);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &v6) == 1) {
		set_v6(out, &v6, port);
		return 0;
	}

	if (split_host_port(text, host, &port_text) < 0)
		return -EINVAL;
	if (port_text && parse_port(port_text, &port) < 0)
		return -EINVAL;
	if (text[0] == '[') {
		if (inet_pton(AF_INET6, host, &v6) != 1)
			return -EINVAL;
		set_v6(out, &v6, port);
		return 0;
	}
	if (inet_pton(AF_INET, host, &v4) != 1)
		return -EINVAL;
	set_v4(out, &v4, port);
	return 0;
}

static int parse_prefix_len(const char *text, unsigned *out)
{
	unsigned v = 0;

	if (*text == '\0' || strlen(text) > 3)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
	}
	*out = v;
	return 0;
}

int addr_parse_prefix(const char *text, int *family, uint8_t addr[16],
                      unsigned *prefix)
{
	char host[ADDR_TEXT_MAX];
	const char *slash = strchr(text, '/');
	size_t hlen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned plen;

	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, hlen);
	host[hlen] = '\0';

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, addr) == 1) {
		*family = AF_INET;
		plen = 32;
	} else if (inet_pton(AF_INET6, host, addr) == 1) {
		*family = AF_INET6;
		plen = 128;
	} else {
		return -EINVAL;
	}

	if (slash) {
		unsigned max = plen;
		if (parse_prefix_len(slash + 1, &plen) < 0)
			return -EINVAL;
		if (plen > max)
			return -ERANGE;
	}
	*prefix = plen;
	return 0;
}

bool addr_has_host_bits(int family, const uint8_t addr[16], unsigned prefix)
{
	unsigned bits = family == AF_INET ? 32 : 128;

	for (unsigned i = prefix; i < bits; i++) {
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return true;
	}
	return false;
}
