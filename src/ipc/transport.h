// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sending and receiving ipc messages on a SOCK_SEQPACKET socket, with at
 * most one descriptor per message passed as SCM_RIGHTS.  The calls block
 * unless the socket is non-blocking, and return 0 or a negative errno.
 */
#ifndef CREST_IPC_TRANSPORT_H
#define CREST_IPC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/ipc.h"

/*
 * Creates the keeper/engine socket pair, close-on-exec, with send buffers
 * large enough for an IPC_MSG_MAX datagram where the process may set them.
 * NOTE: a Unix datagram must fit the sender's SO_SNDBUF.  Without
 * CAP_NET_ADMIN the buffer stops at net.core.wmem_max, so a large
 * KEEPER_CONFIG can fail with -EMSGSIZE on a host with a small wmem_max.
 */
int ipc_socketpair(int fds[2]);

/*
 * Sends one message: the header, then len bytes of body.  pass_fd is a
 * descriptor to pass (the caller keeps its own copy) or -1.  Returns
 * -EMSGSIZE if the body exceeds IPC_BODY_MAX or the socket's buffer.
 */
int ipc_send(int sock, uint16_t type, uint32_t id, const void *body, size_t len,
             int pass_fd);

/*
 * Encodes msg->u for msg->type and sends it with msg->fd (-1 for none).
 * Returns -ENOMSG for an unknown type, -EBADF if msg->fd breaks the type's
 * descriptor rule and -EINVAL for a field ipc_parse would reject.  The
 * encoded copy is wiped after sending, since it may hold an AUTH value.
 */
int ipc_send_msg(int sock, const struct ipc_msg *msg);

/*
 * Receives one datagram into buf and parses it as sent by `from`.  On
 * success out->fd is the descriptor that came with it, close-on-exec and
 * owned by the caller, or -1.  Errors, besides those of recvmsg and
 * ipc_parse:
 *   -ECONNRESET  the peer closed its end
 *   -EMSGSIZE    the datagram or its control data did not fit
 *   -EBADF       more than one descriptor arrived
 * On any error every received descriptor is closed and the received bytes
 * are wiped; out->type, out->id and out->reason are set where known.
 */
int ipc_recv(int sock, enum ipc_peer from, struct ipc_msg *out, uint8_t *buf,
             size_t cap);

#endif
