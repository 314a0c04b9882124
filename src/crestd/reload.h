/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Configuration reload, on SIGHUP or crestctl reload.  The new file and
 * its secrets are parsed in full before anything changes, so a file with
 * an error leaves the running configuration as it was.
 */
#ifndef CREST_CRESTD_RELOAD_H
#define CREST_CRESTD_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "config/secrets.h"
#include "dataplane/datapath.h"
#include "ike/engine.h"
#include "mgmt/control.h"

struct reload_retired;

/* The daemon state a reload replaces or repoints; the daemon owns it. */
struct reload {
	const char *path;     /* the file crestd was started with */
	bool log_level_fixed; /* --log-level given: keep it over the file's */
	struct cfg *cfg;      /* replaced in place */
	struct secrets *secrets;
	struct ike_engine *eng;
	struct datapath *dp;
	struct control *ctl;
	/* Earlier configurations that SAs being deleted still point to. */
	struct reload_retired *retired;
};

/*
 * Re-reads r->path and its secrets file and applies them.  SAs of
 * connections whose settings are unchanged stay up; SAs of changed or
 * removed connections get a Delete, and new or changed connections with
 * start_action initiate start.  Returns 0 and fills *res, or a negative
 * errno with the error in err and the running configuration untouched:
 * -ENOTSUP when a realm was added, removed or changed, which needs a
 * restart.  Errors are logged too.
 */
int reload_run(struct reload *r, struct control_reload_result *res, char *err,
               size_t errlen);

/*
 * Applies configuration text that the keeper read and checked, as
 * reload_run does; an engine has no secrets, so r->secrets is NULL.
 */
int reload_text(struct reload *r, const char *text,
                struct control_reload_result *res, char *err, size_t errlen);

/* TUN devices are created at start-up only, so the realms of a new
 * configuration must match the running one's.  Returns 0, or -ENOTSUP
 * with the realm and the reason in err. */
int reload_check_realms(const struct cfg *old, const struct cfg *next,
                        char *err, size_t errlen);

/* reload_run as a control_reload_fn; arg is the struct reload. */
int reload_from_control(void *arg, struct control_reload_result *res, char *err,
                        size_t errlen);

/* Frees the retired configurations; call after ike_engine_shutdown. */
void reload_release(struct reload *r);

#endif
