// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The commands that start, delete and rekey SAs: initiate, terminate and
 * rekey.  Each works on every live IKE SA of one connection, on one IKE SA
 * picked by its SPI, or on the CHILD_SAs of one configured child.  The engine keeps one request outstanding per
 * IKE SA, so an SA with a request in flight is reported busy.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/rekey.h"
#include "mgmt/control_commands.h"
#include "util/timeutil.h"

struct cfg_conn *control_request_conn(const struct control_ctx *ctx,
                                      const json_t *req, json_t **resp)
{
	const char *name =
	        json_string_value(json_object_get(req, "connection"));
	if (!name) {
		*resp = control_error(CONTROL_ERR_INVALID_ARG,
		                      "missing string member \"connection\"");
		return NULL;
	}
	struct cfg_conn *conn = config_find_conn(ctx->eng->cfg, name);
	if (conn)
		return conn;
	*resp = control_error(CONTROL_ERR_UNKNOWN_CONN,
	                      "unknown connection \"%.64s\"; crestctl "
	                      "connections lists them",
	                      name);
	return NULL;
}

/* Whether an SA is set up or being set up, as opposed to going away. */
static bool sa_live(const struct ike_sa *sa)
{
	return sa->state != IKE_STATE_DEAD && sa->state != IKE_STATE_DELETING;
}

/*
 * Finds the optional "child" member among the children of conn.  Returns
 * 0 with *index -1 when the request names none, 0 with the child's index,
 * or -1 with an error in *resp.
 */
static int request_child(const struct cfg_conn *conn, const json_t *req,
                         int *index, json_t **resp)
{
	const json_t *member = json_object_get(req, "child");
	*index = -1;
	if (!member)
		return 0;
	const char *name = json_string_value(member);
	if (!name) {
		*resp = control_error(CONTROL_ERR_INVALID_ARG,
		                      "member \"child\" must be a string");
		return -1;
	}
	for (size_t i = 0; i < conn->n_children; i++)
		if (strcmp(conn->children[i].name, name) == 0) {
			*index = (int)i;
			return 0;
		}
	*resp = control_error(CONTROL_ERR_UNKNOWN_CHILD,
	                      "connection %s has no child \"%.64s\"; crestctl "
	                      "connections lists its children",
	                      conn->name, name);
	return -1;
}

/* Sets up one child: on the connection's IKE SA, or with a new one. */
static json_t *initiate_child(const struct control_ctx *ctx,
                              struct cfg_conn *conn, int index)
{
	const char *child = conn->children[index].name;
	int rc = ike_engine_trigger(ctx->eng, conn, (size_t)index);
	if (rc == -EALREADY)
		return control_error(CONTROL_ERR_ALREADY_UP,
		                     "child %s of %s is already up or being set "
		                     "up",
		                     child, conn->name);
	if (rc < 0)
		return control_error(CONTROL_ERR_FAILED,
		                     "failed to initiate child %s of %s: %s",
		                     child, conn->name, strerror(-rc));
	return json_pack("{s:s, s:s, s:s}", "connection", conn->name, "child",
	                 child, "result", "started");
}

json_t *control_cmd_initiate(const struct control_ctx *ctx, const json_t *req)
{
	json_t *resp = NULL;
	struct cfg_conn *conn = control_request_conn(ctx, req, &resp);
	int index;
	if (!conn || request_child(conn, req, &index, &resp) < 0)
		return resp;
	ctx->eng->now_ms = now_ms();
	if (index >= 0)
		return initiate_child(ctx, conn, index);

	for (const struct ike_sa *sa = ctx->eng->sas; sa; sa = sa->next)
		if (sa->conn == conn && sa_live(sa))
			return control_error(CONTROL_ERR_ALREADY_UP,
			                     "connection %s is already %s",
			                     conn->name,
			                     sa->state == IKE_STATE_ESTABLISHED
			                             ? "up"
			                             : "connecting");

	int rc = ike_engine_initiate(ctx->eng, conn);
	if (rc < 0)
		return control_error(CONTROL_ERR_FAILED,
		                     "failed to initiate %s: %s", conn->name,
		                     strerror(-rc));
	return json_pack("{s:s, s:s}", "connection", conn->name, "result",
	                 "started");
}

struct terminate_count {
	unsigned deleted; /* Delete sent */
	unsigned closed;  /* closed at once: not established yet */
};

/* Sends a Delete for an established SA; closes one still being set up. */
static int terminate_sa(struct ike_engine *eng, struct ike_sa *sa,
                        struct terminate_count *count)
{
	if (sa->state != IKE_STATE_ESTABLISHED) {
		ike_sa_kill(eng, sa, "terminated by crestctl");
		count->closed++;
		return 0;
	}
	int rc = ike_sa_delete(eng, sa);
	if (rc == 0)
		count->deleted++;
	return rc;
}

static json_t *terminate_reply(const char *name, int rc,
                               const struct terminate_count *count)
{
	if (rc == -EBUSY)
		return control_error(CONTROL_ERR_BUSY,
		                     "%s: an IKE exchange is in progress; "
		                     "busy, retry",
		                     name);
	if (rc < 0)
		return control_error(CONTROL_ERR_FAILED,
		                     "%s: failed to send the Delete: %s", name,
		                     strerror(-rc));
	return json_pack("{s:s, s:I, s:I}", "connection", name, "deleted",
	                 (json_int_t)count->deleted, "closed",
	                 (json_int_t)count->closed);
}

/* Parses 1 to 16 hex digits; returns 0 or -EINVAL. */
static int parse_spi(const char *text, uint64_t *spi)
{
	size_t len = strlen(text);
	if (len == 0 || len > 16 ||
	    strspn(text, "0123456789abcdefABCDEF") != len)
		return -EINVAL;
	*spi = strtoull(text, NULL, 16);
	return 0;
}

static json_t *terminate_spi(const struct control_ctx *ctx, const char *text)
{
	uint64_t spi;
	if (parse_spi(text, &spi) < 0)
		return control_error(
		        CONTROL_ERR_INVALID_ARG,
		        "invalid IKE SPI \"%.32s\"; give the 16 hex "
		        "digits that crestctl sas shows",
		        text);

	struct ike_sa *sa = ctx->eng->sas;
	while (sa && !(sa_live(sa) && (sa->spi_i == spi || sa->spi_r == spi)))
		sa = sa->next;
	if (!sa || !sa->conn)
		return control_error(CONTROL_ERR_UNKNOWN_SA,
		                     "no IKE SA with SPI %016" PRIx64, spi);

	struct terminate_count count = {0};
	int rc = terminate_sa(ctx->eng, sa, &count);
	return terminate_reply(sa->conn->name, rc, &count);
}

/* The CHILD_SA of child `index` on sa that carries its traffic, if any. */
static struct child_sa *current_child(struct ike_sa *sa, int index)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->installed && !c->replaced && c->cfg_index == index)
			return c;
	return NULL;
}

/* Sends a Delete for the CHILD_SAs of one child; the IKE SA stays. */
static json_t *terminate_child(const struct control_ctx *ctx,
                               struct cfg_conn *conn, int index)
{
	const char *name = conn->children[index].name;
	unsigned deleted = 0;
	int rc = -ENOENT;
	for (struct ike_sa *sa = ctx->eng->sas; sa; sa = sa->next) {
		struct child_sa *c = sa->conn == conn &&
		                                     sa->state ==
		                                             IKE_STATE_ESTABLISHED
		                             ? current_child(sa, index)
		                             : NULL;
		if (!c)
			continue;
		rc = rekey_delete_children(ctx->eng, sa, c);
		if (rc < 0)
			break;
		deleted++;
	}
	if (deleted == 0 && rc == -ENOENT)
		return control_error(CONTROL_ERR_NOT_UP,
		                     "child %s of %s has no CHILD_SA", name,
		                     conn->name);
	if (deleted == 0)
		return terminate_reply(conn->name, rc, NULL);
	return json_pack("{s:s, s:s, s:I}", "connection", conn->name, "child",
	                 name, "deleted", (json_int_t)deleted);
}

json_t *control_cmd_terminate(const struct control_ctx *ctx, const json_t *req)
{
	ctx->eng->now_ms = now_ms();
	const char *spi = json_string_value(json_object_get(req, "ike_spi"));
	if (spi)
		return terminate_spi(ctx, spi);

	json_t *resp = NULL;
	struct cfg_conn *conn = control_request_conn(ctx, req, &resp);
	int index;
	if (!conn || request_child(conn, req, &index, &resp) < 0)
		return resp;
	if (index >= 0)
		return terminate_child(ctx, conn, index);

	/* Check first, so that a busy SA leaves every SA of the connection
	 * as it was and a retry sees the same state. */
	bool any = false;
	for (const struct ike_sa *sa = ctx->eng->sas; sa; sa = sa->next) {
		if (sa->conn != conn || !sa_live(sa))
			continue;
		any = true;
		if (sa->state == IKE_STATE_ESTABLISHED && sa->request)
			return terminate_reply(conn->name, -EBUSY, NULL);
	}
	if (!any)
		return control_error(CONTROL_ERR_NOT_UP,
		                     "connection %s has no IKE SA", conn->name);

	struct terminate_count count = {0};
	int rc = 0;
	for (struct ike_sa *sa = ctx->eng->sas; rc == 0 && sa; sa = sa->next)
		if (sa->conn == conn && sa_live(sa))
			rc = terminate_sa(ctx->eng, sa, &count);
	return terminate_reply(conn->name, rc, &count);
}

/* Rekeys the first CHILD_SA of sa, of child `index` or of any child when
 * index is -1, that carries traffic and is not being rekeyed or replaced.
 * Returns -EBUSY while a request is in flight, or -ENOENT if there is no
 * such CHILD_SA. */
static int rekey_first_child(struct ike_engine *eng, struct ike_sa *sa,
                             int index)
{
	if (sa->request || sa->pending.task != TASK_NONE)
		return -EBUSY;
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->installed && c->out_ready && !c->replaced &&
		    !c->rekeying && (index < 0 || c->cfg_index == index))
			return rekey_start_child(eng, sa, c);
	return -ENOENT;
}

json_t *control_cmd_rekey(const struct control_ctx *ctx, const json_t *req)
{
	json_t *resp = NULL;
	struct cfg_conn *conn = control_request_conn(ctx, req, &resp);
	int index;
	if (!conn || request_child(conn, req, &index, &resp) < 0)
		return resp;
	const json_t *ike_member = json_object_get(req, "ike");
	if (ike_member && !json_is_boolean(ike_member))
		return control_error(CONTROL_ERR_INVALID_ARG,
		                     "member \"ike\" must be true or false");
	bool ike = json_is_true(ike_member);
	if (ike && index >= 0)
		return control_error(CONTROL_ERR_INVALID_ARG,
		                     "rekey takes \"ike\" or \"child\", not "
		                     "both");

	struct ike_engine *eng = ctx->eng;
	eng->now_ms = now_ms();
	unsigned started = 0;
	int last = -ENOENT;
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next) {
		if (sa->conn != conn || sa->state != IKE_STATE_ESTABLISHED)
			continue;
		int rc = ike ? rekey_start_ike(eng, sa)
		             : rekey_first_child(eng, sa, index);
		if (rc == 0)
			started++;
		else
			last = rc;
	}

	if (started == 0 && last == -EBUSY)
		return control_error(CONTROL_ERR_BUSY,
		                     "%s: an IKE exchange is in progress; "
		                     "busy, retry",
		                     conn->name);
	if (started == 0 && last == -ENOENT && index >= 0)
		return control_error(CONTROL_ERR_NOT_UP,
		                     "child %s of %s has no established "
		                     "CHILD_SA",
		                     conn->children[index].name, conn->name);
	if (started == 0 && last == -ENOENT)
		return control_error(CONTROL_ERR_NOT_UP,
		                     "connection %s has no established %s",
		                     conn->name, ike ? "IKE SA" : "CHILD_SA");
	if (started == 0)
		return control_error(CONTROL_ERR_FAILED,
		                     "%s: failed to start the rekey: %s",
		                     conn->name, strerror(-last));
	json_t *ok = json_pack("{s:s, s:s, s:I}", "connection", conn->name,
	                       "rekeyed", ike ? "ike" : "child", "sas",
	                       (json_int_t)started);
	if (ok && index >= 0)
		json_object_set_new(ok, "child",
		                    json_string(conn->children[index].name));
	return ok;
}
