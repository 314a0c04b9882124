// SPDX-License-Identifier: LGPL-2.1-or-later
/* The "status" and "counters" commands. */
#include <unistd.h>

#include "mgmt/control_commands.h"
#include "util/timeutil.h"

#ifndef CREST_VERSION
#define CREST_VERSION "unknown"
#endif

static json_t *realm_json(const struct dp_realm *r)
{
	return json_pack("{s:s, s:s, s:I}", "name", r->cfg->name, "device",
	                 r->ifname, "mtu", (json_int_t)r->mtu);
}

json_t *control_cmd_status(const struct control_ctx *ctx, const json_t *req)
{
	json_t *realms = json_array();
	for (size_t i = 0; realms && i < ctx->dp->n_realms; i++)
		if (json_array_append_new(
		            realms, realm_json(&ctx->dp->realms[i])) < 0) {
			json_decref(realms);
			return NULL;
		}

	/* pid is the process an operator signals: crestd, the keeper when
	 * privileges are separated; engine_pid is then this process. */
	uint64_t uptime_ms = now_ms() - ctx->started_ms;
	bool separated = ctx->keeper_pid > 0;
	json_t *resp = json_pack(
	        "{s:s, s:I, s:I, s:b, s:o, s:s, s:o}", "version", CREST_VERSION,
	        "pid", (json_int_t)(separated ? ctx->keeper_pid : getpid()),
	        "engine_pid", (json_int_t)getpid(), "privsep", separated,
	        "uptime", control_u64(uptime_ms / 1000), "config",
	        ctx->cfg->path, "realms", realms);
	if (resp && separated && ctx->engine_user)
		json_object_set_new(resp, "engine_user",
		                    json_string(ctx->engine_user));
	return resp;
}

/* Builds {"name": count, ...} from a counter array and its names. */
static json_t *drops_json(const uint64_t *counts, int n,
                          const char *(*name)(int reason))
{
	json_t *obj = json_object();
	for (int i = 0; obj && i < n; i++)
		if (json_object_set_new(obj, name(i), control_u64(counts[i])) <
		    0) {
			json_decref(obj);
			return NULL;
		}
	return obj;
}

/* Adapters from the typed name functions to drops_json's signature. */
static const char *esp_name(int i)
{
	return esp_drop_name((enum esp_drop)i);
}

static const char *ike_name(int i)
{
	return ike_drop_name((enum ike_drop)i);
}

static const char *dp_name(int i)
{
	return dp_drop_name((enum dp_drop)i);
}

json_t *control_cmd_counters(const struct control_ctx *ctx, const json_t *req)
{
	const struct datapath *dp = ctx->dp;
	const struct ike_engine *eng = ctx->eng;
	return json_pack(
	        "{s:o, s:o, s:o, s:{s:o, s:o}}", "esp_drops",
	        drops_json(eng->esp_stats.drops, ESP_DROP_COUNT, esp_name),
	        "ike_drops",
	        drops_json(eng->ike_drops, IKE_DROP_COUNT, ike_name),
	        "datapath_drops", drops_json(dp->drops, DP_DROP_COUNT, dp_name),
	        "keepalives", "sent", control_u64(dp->keepalives_sent),
	        "received", control_u64(dp->keepalives_received));
}
