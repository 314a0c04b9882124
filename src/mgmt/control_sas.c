// SPDX-License-Identifier: LGPL-2.1-or-later
/* The "sas" command: every IKE SA with its CHILD_SAs and their counters. */
#include <inttypes.h>
#include <stdio.h>

#include "ike/proposal.h"
#include "mgmt/control_commands.h"
#include "util/timeutil.h"

json_t *control_ts_list(const struct traffic_selector *ts, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < n; i++) {
		char text[128];
		ts_format(&ts[i], text, sizeof(text));
		if (json_array_append_new(list, json_string(text)) < 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/* Seconds from now until a deadline in ms, 0 once it has passed, or null
 * for a deadline of 0, which means no limit or a rekey already started. */
static json_t *seconds_left(uint64_t deadline_ms, uint64_t now)
{
	if (deadline_ms == 0)
		return json_null();
	return control_u64(deadline_ms > now ? (deadline_ms - now) / 1000 : 0);
}

/* Adds rekey_in and expire_in to obj; returns obj, or NULL on failure. */
static json_t *add_lifetimes(json_t *obj, uint64_t rekey_ms, uint64_t expire_ms)
{
	uint64_t now = now_ms();
	if (obj && (json_object_set_new(obj, "rekey_in",
	                                seconds_left(rekey_ms, now)) < 0 ||
	            json_object_set_new(obj, "expire_in",
	                                seconds_left(expire_ms, now)) < 0)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Adds the replaced and rekeying flags; returns obj, or NULL on failure. */
static json_t *add_rekey_flags(json_t *obj, const struct child_sa *c)
{
	if (obj && (json_object_set_new(obj, "replaced",
	                                json_boolean(c->replaced)) < 0 ||
	            json_object_set_new(obj, "rekeying",
	                                json_boolean(c->rekeying)) < 0)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *child_base_json(const struct child_sa *c)
{
	char spi_in[9], spi_out[9], alg[96];
	snprintf(spi_in, sizeof(spi_in), "%08" PRIx32, c->spi_in);
	snprintf(spi_out, sizeof(spi_out), "%08" PRIx32, c->spi_out);
	negotiated_format(&c->alg, true, alg, sizeof(alg));
	const char *name = c->ike->conn ? child_cfg(c)->name : "";
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:o, s:o,"
	                 " s:o}",
	                 "name", name, "spi_in", spi_in, "spi_out", spi_out,
	                 "installed",
	                 c->installed, "algorithms", alg, "local_ts",
	                 control_ts_list(c->local_ts, c->n_local_ts),
	                 "remote_ts",
	                 control_ts_list(c->remote_ts, c->n_remote_ts),
	                 "bytes_in", control_u64(c->in.bytes), "packets_in",
	                 control_u64(c->in.packets), "bytes_out",
	                 control_u64(c->out.bytes), "packets_out",
	                 control_u64(c->out.packets));
}

static json_t *child_json(const struct child_sa *c)
{
	json_t *obj = add_rekey_flags(child_base_json(c), c);
	/* A replaced SA waits only for its removal: it is not rekeyed. */
	return add_lifetimes(obj, c->replaced ? 0 : c->rekey_ms, c->expire_ms);
}

static json_t *children_json(const struct ike_sa *sa)
{
	json_t *list = json_array();
	for (const struct child_sa *c = sa->children; list && c; c = c->next)
		if (json_array_append_new(list, child_json(c)) < 0) {
			json_decref(list);
			return NULL;
		}
	return list;
}

/* Seconds since the SA was established, or null before that. */
static json_t *established_json(const struct ike_sa *sa)
{
	if (sa->state != IKE_STATE_ESTABLISHED || sa->established_ms == 0)
		return json_null();
	uint64_t now = now_ms();
	uint64_t ago = now > sa->established_ms ? now - sa->established_ms : 0;
	return control_u64(ago / 1000);
}

static json_t *sa_base_json(const struct ike_sa *sa)
{
	char spi_i[17], spi_r[17], local[64], remote[64], alg[96];
	snprintf(spi_i, sizeof(spi_i), "%016" PRIx64, sa->spi_i);
	snprintf(spi_r, sizeof(spi_r), "%016" PRIx64, sa->spi_r);
	sockaddr_format(&sa->local, local, sizeof(local));
	sockaddr_format(&sa->remote, remote, sizeof(remote));
	negotiated_format(&sa->alg, false, alg, sizeof(alg));

	const struct cfg_conn *conn = sa->conn;
	return json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s,"
	        " s:o, s:o}",
	        "name", conn ? conn->name : "", "realm",
	        conn && conn->realm ? conn->realm->name : "", "role",
	        sa->initiator ? "initiator" : "responder", "state",
	        ike_state_name(sa->state), "spi_i", spi_i, "spi_r", spi_r,
	        "local", local, "remote", remote, "natt", sa->natt, "nat_local",
	        sa->nat_local, "nat_remote", sa->nat_remote, "algorithms", alg,
	        "established", established_json(sa), "children",
	        children_json(sa));
}

static json_t *sa_json(const struct ike_sa *sa)
{
	json_t *o = add_lifetimes(sa_base_json(sa), sa->rekey_ms,
				  sa->expire_ms);
	/* Simultaneous rekeys this SA resolved (RFC 7296 2.8.1, 2.8.2). */
	if (o)
		json_object_set_new(o, "collisions",
				    control_u64(sa->collisions));
	return o;
}

json_t *control_cmd_sas(const struct control_ctx *ctx, const json_t *req)
{
	json_t *list = json_array();
	for (const struct ike_sa *sa = ctx->eng->sas; list && sa; sa = sa->next)
		if (json_array_append_new(list, sa_json(sa)) < 0) {
			json_decref(list);
			return NULL;
		}
	return json_pack("{s:o}", "sas", list);
}
