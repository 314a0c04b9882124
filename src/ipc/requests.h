// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The request table: for each message type, who may send it, its body
 * size rule, its descriptor rule and, for engine requests, when the keeper
 * accepts it.  ipc_parse enforces the first three and ipc_check_request
 * the state rule.
 */
#ifndef CREST_IPC_REQUESTS_H
#define CREST_IPC_REQUESTS_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/ipc.h"
#include "util/buf.h"

enum ipc_fd_rule {
	IPC_FD_NONE,
	IPC_FD_OPTIONAL,
	IPC_FD_REQUIRED,
};

enum ipc_state_rule {
	IPC_STATE_UNCHECKED, /* keeper to engine: the engine trusts it */
	IPC_STATE_FIRST,     /* once, before every other request */
	IPC_STATE_AFTER_HELLO,
};

struct ipc_state;

struct ipc_request {
	const char *name;
	enum ipc_peer from;
	size_t min_body; /* equal to max_body for an exact size */
	size_t max_body;
	enum ipc_fd_rule fd;
	enum ipc_state_rule state;
	/* Requests of this type awaiting their reply, at most; 0 when the
	 * type gets no reply. */
	unsigned max_pending;
	/* Decodes and validates the fields of a body whose size passed. */
	int (*decode)(struct reader *r, struct ipc_msg *out);
	/* Checks the body against the keeper's configuration, or NULL. */
	int (*check)(const struct ipc_state *st, const struct ipc_msg *msg,
	             const char **reason);
};

/* Entry for a type, or NULL if the type is unknown. */
const struct ipc_request *ipc_request_find(uint16_t type);

#endif
