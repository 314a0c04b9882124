// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-engine state of the keeper, so it accepts each request only in its
 * turn.  ENGINE_HELLO comes first and once.  AUTH and ROUTE requests follow
 * for connections and realms of the configuration, with a bounded number
 * awaiting their replies.  The configuration stays behind callbacks, so
 * this file needs no config headers and the fuzzer can stub them.
 */
#ifndef CREST_IPC_STATE_H
#define CREST_IPC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/ipc.h"

/* Sum of the request table's max_pending values. */
#define IPC_MAX_PENDING 9

struct ipc_policy {
	void *ctx;
	/* Whether the configuration has a connection of this name. */
	bool (*conn_exists)(void *ctx, const char *name);
	/* Whether the configuration has a realm of this index. */
	bool (*realm_exists)(void *ctx, unsigned realm);
	/* Whether the request's connection belongs to its realm, the prefix
	 * lies inside one of the connection's remote selectors and covers
	 * neither gateway address. */
	bool (*route_allowed)(void *ctx, const struct ipc_route_request *route);
};

struct ipc_pending {
	uint16_t type;
	uint32_t id;
};

struct ipc_state {
	const struct ipc_policy *policy;
	bool hello_seen;
	size_t n_pending;
	struct ipc_pending pending[IPC_MAX_PENDING];
};

void ipc_state_init(struct ipc_state *st, const struct ipc_policy *policy);

/*
 * Checks a request that ipc_parse accepted from the engine against the
 * state and the configuration.  Returns 0, or a negative errno and a
 * reason for the log:
 *   -EPERM   not an engine request
 *   -EPROTO  before ENGINE_HELLO, or a second ENGINE_HELLO
 *   -EEXIST  the request id already awaits a reply
 *   -EBUSY   too many requests of this type await replies
 *   -ENOENT  unknown connection or realm
 *   -EACCES  route outside the connection's remote selectors, or over
 *            a gateway address
 */
int ipc_check_request(const struct ipc_state *st, const struct ipc_msg *msg,
                      const char **reason);

/* Records a request that passed ipc_check_request. */
void ipc_state_accept(struct ipc_state *st, const struct ipc_msg *msg);

/* Forgets the request with this id once its reply is sent; -ENOENT if no
 * request with that id awaits a reply. */
int ipc_state_complete(struct ipc_state *st, uint32_t id);

/* Table checks of the request table (ipc/requests.c). */
int ipc_check_auth_request(const struct ipc_state *st,
                           const struct ipc_msg *msg, const char **reason);
int ipc_check_route_request(const struct ipc_state *st,
                            const struct ipc_msg *msg, const char **reason);

#endif
