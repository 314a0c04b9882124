// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Validation of one datagram against the request table, then decoding of
 * its body.  Every check runs before any body field is read.
 */
#include "ipc/ipc.h"

#include <errno.h>
#include <string.h>

#include "ipc/requests.h"

static int reject(struct ipc_msg *out, int err, const char *reason)
{
	out->reason = reason;
	return err;
}

static int check_header(const uint8_t *data, size_t len, struct ipc_msg *out)
{
	struct ipc_header h;

	if (len < IPC_HEADER_LEN)
		return reject(out, -EBADMSG,
		              "datagram shorter than the header");
	memcpy(&h, data, sizeof(h));
	out->type = h.type;
	out->flags = h.flags;
	out->id = h.id;
	if (h.length != len - IPC_HEADER_LEN)
		return reject(out, -EBADMSG,
		              "body length differs from the datagram size");
	out->body = data + IPC_HEADER_LEN;
	out->body_len = h.length;
	return 0;
}

static int check_fd(const struct ipc_request *req, bool has_fd,
                    struct ipc_msg *out)
{
	if (has_fd && req->fd == IPC_FD_NONE)
		return reject(out, -EBADF, "descriptor where none is allowed");
	if (!has_fd && req->fd == IPC_FD_REQUIRED)
		return reject(out, -EBADF, "required descriptor is missing");
	if (out->flags & ~IPC_FLAG_FD)
		return reject(out, -EINVAL, "unknown header flags");
	if (!!(out->flags & IPC_FLAG_FD) != has_fd)
		return reject(out, -EBADF,
		              "descriptor flag does not match the datagram");
	return 0;
}

static int check_rules(const struct ipc_request *req, bool has_fd,
                       enum ipc_peer from, struct ipc_msg *out)
{
	if (req->from != from)
		return reject(out, -EPERM, "type not sent in this direction");
	if (out->body_len < req->min_body)
		return reject(out, -EMSGSIZE, "body too short for its type");
	if (out->body_len > req->max_body)
		return reject(out, -EMSGSIZE, "body too long for its type");
	return check_fd(req, has_fd, out);
}

int ipc_parse(const uint8_t *data, size_t len, bool has_fd, enum ipc_peer from,
              struct ipc_msg *out)
{
	const struct ipc_request *req;
	struct reader r;
	int err;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	err = check_header(data, len, out);
	if (err)
		return err;

	req = ipc_request_find(out->type);
	if (!req)
		return reject(out, -ENOMSG, "unknown type");
	err = check_rules(req, has_fd, from, out);
	if (err)
		return err;

	reader_init(&r, out->body, out->body_len);
	err = req->decode(&r, out);
	if (err)
		return err;
	if (reader_left(&r) != 0 || r.failed)
		return reject(out, -EINVAL, "body fields do not fill the body");
	return 0;
}
