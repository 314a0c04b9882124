// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Body decoders of the request table.  Each gets a reader over exactly the
 * body, whose size already passed the table's rule, and returns 0 or
 * -EINVAL with out->reason set.
 */
#ifndef CREST_IPC_DECODE_H
#define CREST_IPC_DECODE_H

#include "ipc/ipc.h"
#include "util/buf.h"

/* Fixed parts of the bodies that ipc.h describes. */
#define IPC_SOCKET_LEN          4
#define IPC_STATUS_LEN          4
#define IPC_AUTH_REQUEST_FIXED  20
#define IPC_ROUTE_REQUEST_FIXED 40

int ipc_decode_empty(struct reader *r, struct ipc_msg *out);
int ipc_decode_config(struct reader *r, struct ipc_msg *out);
int ipc_decode_socket(struct reader *r, struct ipc_msg *out);
int ipc_decode_auth_request(struct reader *r, struct ipc_msg *out);
int ipc_decode_auth_reply(struct reader *r, struct ipc_msg *out);
int ipc_decode_route_request(struct reader *r, struct ipc_msg *out);
int ipc_decode_route_reply(struct reader *r, struct ipc_msg *out);
int ipc_decode_reload_reply(struct reader *r, struct ipc_msg *out);

#endif
