// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config/identity.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

#define ID_FORMS                                                               \
	"write an IP address, fqdn:NAME, email:USER@DOMAIN or "                \
	"keyid:0xHEX"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool printable_no_space(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	}
	return true;
}

static int set_address(const char *text, int family, struct cfg_identity *id)
{
	size_t len = family == AF_INET ? 4 : 16;

	if (inet_pton(family, text, id->data) != 1)
		return -EINVAL;
	id->type = family == AF_INET ? ID_IPV4_ADDR : ID_IPV6_ADDR;
	id->len = len;
	return 0;
}

static int set_string(const char *value, uint8_t type, struct cfg_identity *id)
{
	size_t len = strlen(value);

	if (len == 0 || len > CFG_MAX_ID_LEN || !printable_no_space(value))
		return -EINVAL;
	if (type == ID_RFC822_ADDR && !strchr(value, '@'))
		return -EINVAL;
	memcpy(id->data, value, len);
	id->type = type;
	id->len = len;
	return 0;
}

static int set_keyid(const char *value, struct cfg_identity *id)
{
	if (value[0] != '0' || (value[1] != 'x' && value[1] != 'X'))
		return -EINVAL;
	value += 2;

	size_t digits = strlen(value);
	if (digits == 0 || digits % 2 || digits / 2 > CFG_MAX_ID_LEN)
		return -EINVAL;
	for (size_t i = 0; i < digits / 2; i++) {
		int hi = hex_digit(value[2 * i]);
		int lo = hex_digit(value[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		id->data[i] = (uint8_t)(hi << 4 | lo);
	}
	id->type = ID_KEY_ID;
	id->len = digits / 2;
	return 0;
}

static int parse_typed(const char *text, struct cfg_identity *id)
{
	static const struct {
		const char *prefix;
		uint8_t type;
	} forms[] = {
	        {"ipv4:", ID_IPV4_ADDR}, {"ipv6:", ID_IPV6_ADDR},
	        {"fqdn:", ID_FQDN},      {"email:", ID_RFC822_ADDR},
	        {"keyid:", ID_KEY_ID},
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t plen = strlen(forms[i].prefix);
		const char *value = text + plen;
		if (strncmp(text, forms[i].prefix, plen) != 0)
			continue;
		switch (forms[i].type) {
		case ID_IPV4_ADDR:
			return set_address(value, AF_INET, id);
		case ID_IPV6_ADDR:
			return set_address(value, AF_INET6, id);
		case ID_KEY_ID:
			return set_keyid(value, id);
		default:
			return set_string(value, forms[i].type, id);
		}
	}
	if (set_address(text, AF_INET, id) == 0)
		return 0;
	return set_address(text, AF_INET6, id);
}

int config_parse_identity(const char *text, struct cfg_identity *out, char *err,
                          size_t errlen)
{
	struct cfg_identity id;

	memset(&id, 0, sizeof(id));
	if (strlen(text) > CFG_MAX_ID_LEN) {
		snprintf(err, errlen,
		         "identity \"%.40s...\" is longer than %d characters",
		         text, CFG_MAX_ID_LEN);
		return -EINVAL;
	}
	if (parse_typed(text, &id) < 0) {
		snprintf(err, errlen, "invalid identity \"%s\"; %s", text,
		         ID_FORMS);
		return -EINVAL;
	}
	strcpy(id.text, text);
	*out = id;
	return 0;
}

void identity_from_addr(const struct sockaddr_storage *addr,
                        struct cfg_identity *out)
{
	memset(out, 0, sizeof(*out));
	if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)addr;
		out->type = ID_IPV4_ADDR;
		out->len = 4;
		memcpy(out->data, &sin->sin_addr, 4);
		inet_ntop(AF_INET, &sin->sin_addr, out->text,
		          sizeof(out->text));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)addr;
		out->type = ID_IPV6_ADDR;
		out->len = 16;
		memcpy(out->data, &sin6->sin6_addr, 16);
		inet_ntop(AF_INET6, &sin6->sin6_addr, out->text,
		          sizeof(out->text));
	}
}

bool identity_equal(const struct cfg_identity *a, const struct cfg_identity *b)
{
	return a->type == b->type && a->len == b->len &&
	       memcmp(a->data, b->data, a->len) == 0;
}
