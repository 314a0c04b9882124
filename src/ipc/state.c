// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ipc/state.h"

#include <errno.h>
#include <string.h>

#include "ipc/requests.h"

void ipc_state_init(struct ipc_state *st, const struct ipc_policy *policy)
{
	memset(st, 0, sizeof(*st));
	st->policy = policy;
}

static int deny(const char **reason, int err, const char *text)
{
	*reason = text;
	return err;
}

static unsigned count_pending(const struct ipc_state *st, uint16_t type)
{
	unsigned n = 0;

	for (size_t i = 0; i < st->n_pending; i++) {
		if (st->pending[i].type == type)
			n++;
	}
	return n;
}

static bool id_pending(const struct ipc_state *st, uint32_t id)
{
	for (size_t i = 0; i < st->n_pending; i++) {
		if (st->pending[i].id == id)
			return true;
	}
	return false;
}

static int check_order(const struct ipc_state *st,
                       const struct ipc_request *req, const char **reason)
{
	if (req->state == IPC_STATE_FIRST && st->hello_seen)
		return deny(reason, -EPROTO, "ENGINE_HELLO sent twice");
	if (req->state == IPC_STATE_AFTER_HELLO && !st->hello_seen)
		return deny(reason, -EPROTO, "request before ENGINE_HELLO");
	return 0;
}

static int check_pending(const struct ipc_state *st,
                         const struct ipc_request *req,
                         const struct ipc_msg *msg, const char **reason)
{
	if (req->max_pending == 0)
		return 0;
	if (id_pending(st, msg->id))
		return deny(reason, -EEXIST,
		            "request id already awaits a reply");
	if (count_pending(st, msg->type) >= req->max_pending ||
	    st->n_pending >= IPC_MAX_PENDING)
		return deny(reason, -EBUSY, "too many requests await replies");
	return 0;
}

int ipc_check_request(const struct ipc_state *st, const struct ipc_msg *msg,
                      const char **reason)
{
	const struct ipc_request *req = ipc_request_find(msg->type);
	int err;

	*reason = NULL;
	if (!req)
		return deny(reason, -ENOMSG, "unknown type");
	if (req->from != IPC_FROM_ENGINE)
		return deny(reason, -EPERM, "not an engine request");
	err = check_order(st, req, reason);
	if (err)
		return err;
	err = check_pending(st, req, msg, reason);
	if (err)
		return err;
	return req->check ? req->check(st, msg, reason) : 0;
}

void ipc_state_accept(struct ipc_state *st, const struct ipc_msg *msg)
{
	const struct ipc_request *req = ipc_request_find(msg->type);

	if (!req)
		return;
	if (req->state == IPC_STATE_FIRST)
		st->hello_seen = true;
	if (req->max_pending > 0 && st->n_pending < IPC_MAX_PENDING) {
		st->pending[st->n_pending].type = msg->type;
		st->pending[st->n_pending].id = msg->id;
		st->n_pending++;
	}
}

int ipc_state_complete(struct ipc_state *st, uint32_t id)
{
	for (size_t i = 0; i < st->n_pending; i++) {
		if (st->pending[i].id != id)
			continue;
		st->pending[i] = st->pending[st->n_pending - 1];
		st->n_pending--;
		return 0;
	}
	return -ENOENT;
}

int ipc_check_auth_request(const struct ipc_state *st,
                           const struct ipc_msg *msg, const char **reason)
{
	const struct ipc_policy *p = st->policy;

	if (!p || !p->conn_exists ||
	    !p->conn_exists(p->ctx, msg->u.auth_request.conn))
		return deny(reason, -ENOENT, "unknown connection");
	return 0;
}

int ipc_check_route_request(const struct ipc_state *st,
                            const struct ipc_msg *msg, const char **reason)
{
	const struct ipc_route_request *rt = &msg->u.route_request;
	const struct ipc_policy *p = st->policy;

	if (!p || !p->realm_exists || !p->realm_exists(p->ctx, rt->realm))
		return deny(reason, -ENOENT, "unknown realm index");
	if (!p->conn_exists || !p->conn_exists(p->ctx, rt->conn))
		return deny(reason, -ENOENT, "unknown connection");
	if (!p->route_allowed || !p->route_allowed(p->ctx, rt))
		return deny(reason, -EACCES,
		            "prefix outside the connection's remote selectors "
		            "or over a gateway address");
	return 0;
}
