// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config/lifetime.h"

#define MAX_TIME_MS (30u * 24 * 3600 * 1000) /* 30 days */
#define MAX_COUNT 4294967295u

static int read_times(const struct cfg_ctx *ctx, const config_setting_t *s,
		      struct cfg_conn *c)
{
	int rc = cfg_get_seconds(ctx, s, "ike_rekey_time", 1000, MAX_TIME_MS,
				 &c->ike_rekey_ms);
	if (rc == 0)
		rc = cfg_get_seconds(ctx, s, "ike_life_time", 1000,
				     MAX_TIME_MS, &c->ike_life_ms);
	if (rc == 0)
		rc = cfg_get_seconds(ctx, s, "reauth_time", 0, MAX_TIME_MS,
				     &c->reauth_ms);
	if (rc == 0)
		rc = cfg_get_seconds(ctx, s, "rekey_time", 1000, MAX_TIME_MS,
				     &c->child_rekey_ms);
	if (rc == 0)
		rc = cfg_get_seconds(ctx, s, "life_time", 1000, MAX_TIME_MS,
				     &c->child_life_ms);
	if (rc == 0)
		rc = cfg_get_seconds(ctx, s, "rand_time", 0, MAX_TIME_MS,
				     &c->rand_ms);
	return rc;
}

static int read_counts(const struct cfg_ctx *ctx, const config_setting_t *s,
		       struct cfg_conn *c)
{
	int rc = cfg_get_uint(ctx, s, "rekey_bytes", 0, MAX_COUNT,
			      &c->child_rekey_bytes);
	if (rc == 0)
		rc = cfg_get_uint(ctx, s, "life_bytes", 0, MAX_COUNT,
				  &c->child_life_bytes);
	if (rc == 0)
		rc = cfg_get_uint(ctx, s, "rekey_packets", 0, MAX_COUNT,
				  &c->child_rekey_packets);
	if (rc == 0)
		rc = cfg_get_uint(ctx, s, "life_packets", 0, MAX_COUNT,
				  &c->child_life_packets);
	return rc;
}

/* A hard limit must lie beyond its soft limit, or rekeying never runs. */
static int check_order(const struct cfg_ctx *ctx, const config_setting_t *s,
		       const char *soft_key, unsigned soft,
		       const char *hard_key, unsigned hard, const char *name)
{
	if (soft == 0 || hard == 0 || hard > soft)
		return 0;
	return cfg_fail(ctx, s,
			"%s (%u) must be greater than %s (%u) in connection "
			"\"%s\"; raise %s or lower %s",
			hard_key, hard, soft_key, soft, name, hard_key,
			soft_key);
}

int lifetime_parse(const struct cfg_ctx *ctx, const config_setting_t *s,
		   struct cfg_conn *c)
{
	c->ike_rekey_ms = LIFETIME_DEFAULT_IKE_REKEY_MS;
	c->child_rekey_ms = LIFETIME_DEFAULT_CHILD_REKEY_MS;
	int rc = read_times(ctx, s, c);
	if (rc == 0)
		rc = read_counts(ctx, s, c);
	if (rc < 0)
		return rc;

	/* Unset hard limits and jitter default to 10 % of the soft ones. */
	if (c->ike_life_ms == 0)
		c->ike_life_ms = c->ike_rekey_ms + c->ike_rekey_ms / 10;
	if (c->child_life_ms == 0)
		c->child_life_ms = c->child_rekey_ms + c->child_rekey_ms / 10;
	if (!config_setting_get_member(s, "rand_time"))
		c->rand_ms = c->child_rekey_ms / 10;

	rc = check_order(ctx, s, "ike_rekey_time", c->ike_rekey_ms,
			 "ike_life_time", c->ike_life_ms, c->name);
	if (rc == 0)
		rc = check_order(ctx, s, "rekey_time", c->child_rekey_ms,
				 "life_time", c->child_life_ms, c->name);
	if (rc == 0)
		rc = check_order(ctx, s, "rekey_bytes", c->child_rekey_bytes,
				 "life_bytes", c->child_life_bytes, c->name);
	if (rc == 0)
		rc = check_order(ctx, s, "rekey_packets",
				 c->child_rekey_packets, "life_packets",
				 c->child_life_packets, c->name);
	return rc;
}
