// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Configuration reload.  The engine, the data path and the control socket
 * hold pointers into the running configuration: IKE SAs and the held and
 * on-traffic lists point to connections, data path realms to realms.  A
 * reload repoints each of them to the entry of the same name in the new
 * configuration, or deletes the SAs whose connection changed or went.
 *
 * An SA that is being deleted still needs its connection for
 * retransmissions and logs, so a configuration that such SAs point to is
 * kept as retired until none does, and freed at a later reload or at exit.
 */
#include "crestd/reload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crestd/daemon.h"
#include "util/log.h"
#include "util/timeutil.h"

struct reload_retired {
	struct cfg cfg;
	struct reload_retired *next;
};

static struct cfg_realm *find_realm(const struct cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_realms; i++)
		if (strcmp(cfg->realms[i].name, name) == 0)
			return &cfg->realms[i];
	return NULL;
}


int reload_check_realms(const struct cfg *old, const struct cfg *next,
                        char *err, size_t errlen)
{
	const char *name = NULL, *what = NULL;
	for (size_t i = 0; !what && i < old->n_realms; i++) {
		const struct cfg_realm *nr =
		        find_realm(next, old->realms[i].name);
		name = old->realms[i].name;
		if (!nr)
			what = "was removed";
		else if (!config_realm_equal(&old->realms[i], nr))
			what = "changed its device, inner addresses or MTU";
	}
	for (size_t i = 0; !what && i < next->n_realms; i++) {
		name = next->realms[i].name;
		if (!find_realm(old, name))
			what = "was added";
	}
	if (!what)
		return 0;
	snprintf(err, errlen,
	         "%s: realm %s %s; restart crestd to apply this change, "
	         "the running configuration is unchanged",
	         next->path, name, what);
	return -ENOTSUP;
}

/* Counts and logs which connections were kept, changed, added, removed. */
static void classify_conns(const struct cfg *old, const struct cfg *next,
                           struct control_reload_result *res)
{
	for (size_t r = 0; r < next->n_realms; r++)
		for (size_t i = 0; i < next->realms[r].n_conns; i++) {
			const struct cfg_conn *nc = &next->realms[r].conns[i];
			const struct cfg_conn *oc = config_find_conn(old, nc->name);
			if (oc && config_conn_equal(oc, nc)) {
				res->unchanged++;
				continue;
			}
			log_info("crestd", "reload: connection %s %s", nc->name,
			         oc ? "changed" : "added");
			if (oc)
				res->changed++;
			else
				res->added++;
		}
	for (size_t r = 0; r < old->n_realms; r++)
		for (size_t i = 0; i < old->realms[r].n_conns; i++) {
			const struct cfg_conn *oc = &old->realms[r].conns[i];
			if (config_find_conn(next, oc->name))
				continue;
			log_info("crestd", "reload: connection %s removed",
			         oc->name);
			res->removed++;
		}
}

/*
 * Points the data path's realms and every old connection to the new
 * realms, so that route bookkeeping, which compares realm pointers, finds
 * one realm for old and new SAs alike.
 */
static void repoint_conn_realms(struct cfg *cfg, const struct cfg *next)
{
	for (size_t i = 0; i < cfg->n_realms; i++)
		for (size_t c = 0; c < cfg->realms[i].n_conns; c++) {
			struct cfg_conn *conn = &cfg->realms[i].conns[c];
			conn->realm = find_realm(next, conn->realm->name);
		}
}

static void repoint_realms(struct reload *r, struct cfg *old,
                           const struct cfg *next)
{
	for (size_t i = 0; i < r->dp->n_realms; i++) {
		struct dp_realm *dr = &r->dp->realms[i];
		dr->cfg = find_realm(next, dr->cfg->name);
	}
	repoint_conn_realms(old, next);
	/* Retired connections point to realms of the configuration that is
	 * being replaced now. */
	for (struct reload_retired *t = r->retired; t; t = t->next)
		repoint_conn_realms(&t->cfg, next);
}

/* Keeps an SA on the new copy of its connection, or deletes it. */
static void migrate_sa(struct reload *r, struct ike_sa *sa,
                       const struct cfg *next,
                       struct control_reload_result *res)
{
	if (!sa->conn)
		return;
	struct cfg_conn *nc = config_find_conn(next, sa->conn->name);
	if (nc && config_conn_equal(sa->conn, nc)) {
		sa->conn = nc;
		if (sa->state != IKE_STATE_DEAD)
			res->sas_kept++;
		return;
	}
	if (sa->state == IKE_STATE_DEAD || sa->state == IKE_STATE_DELETING)
		return;

	res->sas_deleted++;
	ike_log(sa, LOG_INFO, "connection %s by a reload: deleting the IKE SA",
	        nc ? "changed" : "removed");
	if (sa->state == IKE_STATE_ESTABLISHED &&
	    ike_sa_delete(r->eng, sa) == 0)
		return;
	/* NOTE: an SA with a request in flight is closed without a Delete,
	 * so the peer keeps its half until its liveness check fails. */
	ike_sa_kill(r->eng, sa, "connection changed or removed by a reload");
}

/* Repoints the held and on-traffic lists; drops removed connections. */
static void repoint_lists(struct reload *r, const struct cfg *next)
{
	struct ike_engine *eng = r->eng;
	size_t kept = 0;
	for (size_t i = 0; i < eng->n_held; i++) {
		struct cfg_conn *nc = config_find_conn(next, eng->held[i]->name);
		if (nc)
			eng->held[kept++] = nc;
	}
	eng->n_held = kept;

	for (size_t i = 0; i < DP_TRAP_CONNS; i++) {
		struct dp_trap_queue *q = &r->dp->traps[i];
		if (!q->conn)
			continue;
		q->conn = config_find_conn(next, q->conn->name);
		if (q->conn)
			continue;
		for (size_t p = 0; p < q->n; p++)
			free(q->pkt[p]);
		memset(q, 0, sizeof(*q));
	}
}

static bool has_trap(const struct cfg_conn *c)
{
	for (size_t k = 0; k < c->n_children; k++)
		if (config_child_trapped(c, k))
			return true;
	return false;
}

/*
 * Removes the routes of on-traffic connections that went or changed and
 * adds those of new and changed ones.  Routes of SAs still being deleted
 * go when those SAs do.
 */
static void update_traps(struct reload *r, const struct cfg *old)
{
	const struct cfg *cfg = r->cfg;
	for (size_t i = 0; i < old->n_realms; i++)
		for (size_t c = 0; c < old->realms[i].n_conns; c++) {
			const struct cfg_conn *oc = &old->realms[i].conns[c];
			const struct cfg_conn *nc = config_find_conn(cfg, oc->name);
			if (has_trap(oc) && !(nc && config_conn_equal(oc, nc)))
				dp_trap_routes(r->dp, oc, false);
		}
	for (size_t i = 0; i < cfg->n_realms; i++)
		for (size_t c = 0; c < cfg->realms[i].n_conns; c++) {
			const struct cfg_conn *nc = &cfg->realms[i].conns[c];
			const struct cfg_conn *oc = config_find_conn(old, nc->name);
			if (has_trap(nc) && !(oc && config_conn_equal(oc, nc)))
				dp_trap_routes(r->dp, nc, true);
		}
}

/* Starts the new and changed connections with start_action initiate. */
static void initiate_changed(struct reload *r, const struct cfg *old,
                             struct control_reload_result *res)
{
	struct cfg *cfg = r->cfg;
	for (size_t i = 0; i < cfg->n_realms; i++)
		for (size_t c = 0; c < cfg->realms[i].n_conns; c++) {
			struct cfg_conn *nc = &cfg->realms[i].conns[c];
			const struct cfg_conn *oc = config_find_conn(old, nc->name);
			if (nc->start_action != START_ACTION_INITIATE ||
			    (oc && config_conn_equal(oc, nc)))
				continue;
			if (ike_engine_initiate(r->eng, nc) == 0)
				res->initiated++;
		}
}

static bool cfg_owns_conn(const struct cfg *cfg, const struct cfg_conn *conn)
{
	for (size_t i = 0; i < cfg->n_realms; i++) {
		const struct cfg_realm *realm = &cfg->realms[i];
		if (conn >= realm->conns &&
		    conn < realm->conns + realm->n_conns)
			return true;
	}
	return false;
}

static bool cfg_in_use(const struct reload *r, const struct cfg *cfg)
{
	for (const struct ike_sa *sa = r->eng->sas; sa; sa = sa->next)
		if (sa->conn && cfg_owns_conn(cfg, sa->conn))
			return true;
	return false;
}

/* Frees the retired configurations no SA points to any more. */
static void prune_retired(struct reload *r)
{
	struct reload_retired **pp = &r->retired;
	while (*pp) {
		struct reload_retired *old = *pp;
		if (cfg_in_use(r, &old->cfg)) {
			pp = &old->next;
			continue;
		}
		*pp = old->next;
		config_free(&old->cfg);
		free(old);
	}
}

/*
 * Frees the replaced configuration, or keeps it in *node when SAs being
 * deleted still point to it.  Its connections no longer restart or hold:
 * they are gone from the running configuration.
 */
static void retire(struct reload *r, struct cfg *old,
                   struct reload_retired **node)
{
	for (size_t i = 0; i < old->n_realms; i++)
		for (size_t c = 0; c < old->realms[i].n_conns; c++) {
			struct cfg_conn *oc = &old->realms[i].conns[c];
			oc->start_action = START_ACTION_WAIT;
			oc->dpd_action = SA_ACTION_CLEAR;
			oc->close_action = SA_ACTION_CLEAR;
		}
	prune_retired(r);
	if (!cfg_in_use(r, old)) {
		config_free(old);
		return;
	}
	(*node)->cfg = *old;
	(*node)->next = r->retired;
	r->retired = *node;
	*node = NULL;
}

static void apply(struct reload *r, struct cfg *next, struct secrets *secrets,
                  struct reload_retired **node,
                  struct control_reload_result *res)
{
	struct cfg old = *r->cfg;
	classify_conns(&old, next, res);
	repoint_realms(r, &old, next);
	for (struct ike_sa *sa = r->eng->sas; sa; sa = sa->next)
		migrate_sa(r, sa, next, res);
	repoint_lists(r, next);

	*r->cfg = *next;
	if (r->secrets) {
		struct secrets old_secrets = *r->secrets;
		*r->secrets = *secrets;
		secrets_free(&old_secrets);
	}
	r->eng->cfg = r->cfg;
	r->eng->secrets = r->secrets;
	if (r->ctl)
		r->ctl->ctx.cfg = r->cfg;
	if (!r->log_level_fixed)
		log_set_level((enum log_level)r->cfg->log_level);

	update_traps(r, &old);
	initiate_changed(r, &old, res);
	retire(r, &old, node);
}

static int load(const char *path, struct cfg *cfg, struct secrets *secrets,
                char *err, size_t errlen)
{
	int rc = config_load(path, cfg, err, errlen);
	if (rc < 0)
		return rc;
	rc = secrets_load(cfg->secrets_path, secrets, err, errlen);
	if (rc < 0)
		config_free(cfg);
	return rc;
}

/* Applies a parsed configuration, or frees it and writes the reason to
 * err. */
static int finish(struct reload *r, struct cfg *next, struct secrets *secrets,
                  int rc, struct control_reload_result *res, char *err,
                  size_t errlen)
{
	bool loaded = rc == 0;
	if (rc == 0)
		rc = reload_check_realms(r->cfg, next, err, errlen);
	/* Allocated up front, so that applying cannot fail half-way. */
	struct reload_retired *node = rc == 0 ? calloc(1, sizeof(*node)) : NULL;
	if (rc == 0 && !node) {
		snprintf(err, errlen, "%s: out of memory", r->path);
		rc = -ENOMEM;
	}
	if (rc < 0 && loaded) {
		if (secrets)
			secrets_free(secrets);
		config_free(next);
	}
	if (rc < 0) {
		log_error("crestd",
		          "reload failed, keeping the running "
		          "configuration: %s",
		          err);
		return rc;
	}

	r->eng->now_ms = now_ms();
	apply(r, next, secrets, &node, res);
	free(node);
	log_info("crestd",
	         "reloaded %s: connections %u unchanged, %u changed, "
	         "%u added, %u removed; IKE SAs %u kept, %u deleted; "
	         "%u initiated",
	         r->path, res->unchanged, res->changed, res->added,
	         res->removed, res->sas_kept, res->sas_deleted, res->initiated);
	return 0;
}

int reload_run(struct reload *r, struct control_reload_result *res, char *err,
               size_t errlen)
{
	struct cfg next;
	struct secrets secrets;
	memset(res, 0, sizeof(*res));
	log_info("crestd", "reloading %s", r->path);
	int rc = load(r->path, &next, &secrets, err, errlen);
	if (rc == 0)
		daemon_warn_missing_psks(&next, &secrets);
	return finish(r, &next, &secrets, rc, res, err, errlen);
}

int reload_text(struct reload *r, const char *text,
                struct control_reload_result *res, char *err, size_t errlen)
{
	struct cfg next;
	memset(res, 0, sizeof(*res));
	log_info("crestd", "applying the configuration from the keeper");
	int rc = config_load_string(text, r->path, &next, err, errlen);
	return finish(r, &next, NULL, rc, res, err, errlen);
}

int reload_from_control(void *arg, struct control_reload_result *res, char *err,
                        size_t errlen)
{
	return reload_run(arg, res, err, errlen);
}

void reload_release(struct reload *r)
{
	while (r->retired) {
		struct reload_retired *old = r->retired;
		r->retired = old->next;
		config_free(&old->cfg);
		free(old);
	}
}
