// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config/realm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/addr.h"
#include "config/conn.h"

#define MTU_MIN_IPV4 576  /* RFC 791 minimum datagram size */
#define MTU_MIN_IPV6 1280 /* RFC 8200 minimum link MTU */
#define MTU_MAX      9000

static const char *const realm_keys[] = {
        "name", "tun", "inner", "mtu", "path_mtu", "connections", NULL,
};

static int parse_inner_entry(const struct cfg_ctx *ctx,
                             const config_setting_t *e, struct cfg_realm *realm)
{
	const char *v = config_setting_get_string(e);
	struct cfg_inner_addr a;

	int rc = addr_parse_prefix(v, &a.family, a.addr, &a.prefix);
	if (rc == -ERANGE)
		return cfg_fail(ctx, e,
		                "inner: prefix length in \"%s\" is out of "
		                "range; use 0 to %d",
		                v, a.family == AF_INET ? 32 : 128);
	if (rc < 0)
		return cfg_fail(ctx, e,
		                "inner: invalid address \"%s\"; write "
		                "ADDRESS/PREFIX such as \"198.51.100.1/24\"",
		                v);
	for (size_t i = 0; i < realm->n_inner; i++) {
		if (realm->inner[i].family == a.family)
			return cfg_fail(ctx, e,
			                "inner: \"%s\" is a second %s "
			                "address; list at most one IPv4 and "
			                "one IPv6 address",
			                v,
			                a.family == AF_INET ? "IPv4" : "IPv6");
	}
	realm->inner[realm->n_inner++] = a;
	return 0;
}

static int parse_inner(const struct cfg_ctx *ctx, const config_setting_t *s,
                       struct cfg_realm *realm)
{
	config_setting_t *list;
	int rc = cfg_get_string_list(ctx, s, "inner", false, 2, &list);
	if (rc < 0 || !list)
		return rc;

	for (int i = 0; i < config_setting_length(list); i++) {
		rc = parse_inner_entry(ctx, config_setting_get_elem(list, i),
		                       realm);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_mtu(const struct cfg_ctx *ctx, const config_setting_t *s,
                     struct cfg_realm *realm)
{
	bool has_v6 = false;
	unsigned min = MTU_MIN_IPV4;

	realm->path_mtu = REALM_DEFAULT_PATH_MTU;
	realm->mtu = 0;
	int rc = cfg_get_uint(ctx, s, "path_mtu", MTU_MIN_IPV4, MTU_MAX,
	                      &realm->path_mtu);
	if (rc == 0)
		rc = cfg_get_uint(ctx, s, "mtu", 0, MTU_MAX, &realm->mtu);
	if (rc < 0 || realm->mtu == 0)
		return rc;

	for (size_t i = 0; i < realm->n_inner; i++)
		has_v6 |= realm->inner[i].family == AF_INET6;
	if (has_v6)
		min = MTU_MIN_IPV6;
	if (realm->mtu < min)
		return cfg_fail(ctx, config_setting_get_member(s, "mtu"),
		                "mtu = %u is too small%s; use 0 (derive from "
		                "path_mtu) or %u to %u",
		                realm->mtu,
		                has_v6 ? " for an IPv6 inner address" : "", min,
		                MTU_MAX);
	return 0;
}

static int parse_conns(const struct cfg_ctx *ctx, const config_setting_t *s,
                       struct cfg_realm *realm)
{
	config_setting_t *list = config_setting_get_member(s, "connections");
	if (!list)
		return cfg_fail(ctx, s,
		                "realm \"%s\" has no connections; add "
		                "connections = ( { name = \"...\"; ... } );",
		                realm->name);
	if (!config_setting_is_list(list) || config_setting_length(list) == 0)
		return cfg_fail(ctx, list,
		                "connections must be a non-empty list of "
		                "groups: connections = ( { ... } );");

	int n = config_setting_length(list);
	if (n > CFG_MAX_CONNS)
		return cfg_fail(ctx, list,
		                "realm \"%s\" has %d connections; at most %d "
		                "are allowed",
		                realm->name, n, CFG_MAX_CONNS);
	realm->conns = calloc((size_t)n, sizeof(*realm->conns));
	if (!realm->conns)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		int rc = conn_parse(ctx, config_setting_get_elem(list, i),
		                    realm, &realm->conns[i]);
		if (rc < 0)
			return rc;
		realm->n_conns++;
	}
	return 0;
}

int realm_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
                struct cfg_realm *realm)
{
	if (!config_setting_is_group(s))
		return cfg_fail(ctx, s,
		                "each entry of realms must be a group "
		                "{ name = \"...\"; ... }");
	int rc = cfg_check_keys(ctx, s, "realm", realm_keys);
	if (rc == 0)
		rc = cfg_get_name(ctx, s, "name", realm->name,
		                  sizeof(realm->name));
	if (rc == 0)
		rc = cfg_get_name(ctx, s, "tun", realm->tun_name,
		                  sizeof(realm->tun_name));
	/* The kernel rejects "." and ".." as interface names. */
	if (rc == 0 && (strcmp(realm->tun_name, ".") == 0 ||
	                strcmp(realm->tun_name, "..") == 0))
		rc = cfg_fail(ctx, config_setting_get_member(s, "tun"),
		              "invalid tun \"%s\"; a device name cannot be "
		              "\".\" or \"..\"",
		              realm->tun_name);
	if (rc == 0)
		rc = parse_inner(ctx, s, realm);
	if (rc == 0)
		rc = parse_mtu(ctx, s, realm);
	if (rc == 0)
		rc = parse_conns(ctx, s, realm);
	return rc;
}
