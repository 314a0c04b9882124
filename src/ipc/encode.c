// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Body encoders.  ipc_encode runs the table's size rule and decoder over
 * what it wrote, so it produces only bodies that ipc_parse accepts.
 */
#include "ipc/ipc.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ipc/decode.h"
#include "ipc/requests.h"

static void write_name(struct writer *w, const char *name)
{
	write_bytes(w, name, strnlen(name, IPC_NAME_MAX + 1));
}

static uint8_t family_code(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 6;
	return 0;
}

static void write_status(struct writer *w, int error)
{
	write_u32(w, error < 0 ? (uint32_t)-error : (uint32_t)error);
}

static void encode_socket(const struct ipc_socket *s, struct writer *w)
{
	write_u8(w, s->role);
	write_u8(w, 0);
	write_u16(w, s->realm);
}

static void encode_auth_request(const struct ipc_auth_request *a,
                                struct writer *w)
{
	size_t name_len = strnlen(a->conn, IPC_NAME_MAX + 1);

	write_u64(w, a->spi_i);
	write_u64(w, a->spi_r);
	write_u16(w, a->prf);
	write_u8(w, a->purpose);
	write_u8(w, (uint8_t)name_len);
	write_name(w, a->conn);
	if (a->octets_len > 0)
		write_bytes(w, a->octets, a->octets_len);
}

static void encode_auth_reply(const struct ipc_auth_reply *a, struct writer *w)
{
	write_status(w, a->error);
	if (a->auth_len > 0)
		write_bytes(w, a->auth, a->auth_len);
}

static void encode_route_request(const struct ipc_route_request *rt,
                                 struct writer *w)
{
	size_t name_len = strnlen(rt->conn, IPC_NAME_MAX + 1);

	write_u8(w, rt->op);
	write_u8(w, family_code(rt->family));
	write_u8(w, rt->prefix_len);
	write_u8(w, rt->has_source ? IPC_ROUTE_HAS_SOURCE : 0);
	write_u16(w, rt->realm);
	write_u8(w, (uint8_t)name_len);
	write_u8(w, 0);
	write_bytes(w, rt->prefix, sizeof(rt->prefix));
	write_bytes(w, rt->source, sizeof(rt->source));
	write_name(w, rt->conn);
}

static void encode_body(const struct ipc_msg *msg, struct writer *w)
{
	switch (msg->type) {
	case IPC_KEEPER_CONFIG:
		write_bytes(w, msg->u.config.text, msg->u.config.len);
		break;
	case IPC_SOCKET:
		encode_socket(&msg->u.socket, w);
		break;
	case IPC_AUTH_PSK_REQUEST:
		encode_auth_request(&msg->u.auth_request, w);
		break;
	case IPC_AUTH_PSK_REPLY:
		encode_auth_reply(&msg->u.auth_reply, w);
		break;
	case IPC_ROUTE_REQUEST:
		encode_route_request(&msg->u.route_request, w);
		break;
	case IPC_ROUTE_REPLY:
		write_status(w, msg->u.route_reply.error);
		break;
	case IPC_RELOAD_REPLY:
		write_status(w, msg->u.reload_reply.error);
		write_bytes(w, msg->u.reload_reply.text, msg->u.reload_reply.len);
		break;
	}
}

/* Runs the checks of ipc_parse over an encoded body. */
static int validate_body(const struct ipc_request *req, const uint8_t *body,
                         size_t len)
{
	struct ipc_msg scratch;
	struct reader r;
	int err;

	if (len < req->min_body || len > req->max_body)
		return -EINVAL;
	memset(&scratch, 0, sizeof(scratch));
	reader_init(&r, body, len);
	err = req->decode(&r, &scratch);
	if (err)
		return err;
	return reader_left(&r) == 0 && !r.failed ? 0 : -EINVAL;
}

int ipc_encode(const struct ipc_msg *msg, struct writer *w)
{
	const struct ipc_request *req = ipc_request_find(msg->type);
	size_t start = w->off;

	if (!req)
		return -ENOMSG;
	encode_body(msg, w);
	if (w->failed)
		return -ENOBUFS;
	return validate_body(req, w->data + start, w->off - start);
}
