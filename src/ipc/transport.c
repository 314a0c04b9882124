// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ipc/transport.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/decode.h"
#include "ipc/requests.h"
#include "util/secure.h"

/* Room for more descriptors than a message may carry, so that extra ones
 * show up and get closed.  Any beyond this set MSG_CTRUNC. */
#define RECV_FDS_MAX 4

/* Largest body other than KEEPER_CONFIG, which ipc_send_msg sends from
 * the caller's text without a copy. */
#define SMALL_BODY_MAX (IPC_AUTH_REQUEST_FIXED + IPC_NAME_MAX + IPC_OCTETS_MAX)

static void grow_sndbuf(int sock)
{
	int size = IPC_MSG_MAX + 4096;

	if (setsockopt(sock, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) ==
	    0)
		return;
	/* Capped by net.core.wmem_max, and failure leaves the default. */
	(void)setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

int ipc_socketpair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	grow_sndbuf(fds[0]);
	grow_sndbuf(fds[1]);
	return 0;
}

int ipc_send(int sock, uint16_t type, uint32_t id, const void *body, size_t len,
             int pass_fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct ipc_header h = {.type = type, .id = id};
	struct iovec iov[2] = {
	        {.iov_base = &h, .iov_len = sizeof(h)},
	        {.iov_base = (void *)body, .iov_len = len},
	};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	ssize_t n;

	if (len > IPC_BODY_MAX)
		return -EMSGSIZE;
	if (len > 0 && !body)
		return -EINVAL;
	h.length = (uint32_t)len;

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
		h.flags = IPC_FLAG_FD;
	}

	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(h) + len ? 0 : -EIO;
}

static int send_config(int sock, const struct ipc_msg *msg)
{
	const struct ipc_request *req = ipc_request_find(IPC_KEEPER_CONFIG);
	const struct ipc_config *c = &msg->u.config;
	struct ipc_msg scratch;
	struct reader r;

	if (c->len < req->min_body || c->len > req->max_body)
		return -EINVAL;
	reader_init(&r, c->text, c->len);
	if (ipc_decode_config(&r, &scratch) != 0)
		return -EINVAL;
	return ipc_send(sock, msg->type, msg->id, c->text, c->len, msg->fd);
}

int ipc_send_msg(int sock, const struct ipc_msg *msg)
{
	const struct ipc_request *req = ipc_request_find(msg->type);
	uint8_t body[SMALL_BODY_MAX];
	struct writer w;
	int err;

	if (!req)
		return -ENOMSG;
	if (msg->fd >= 0 && req->fd == IPC_FD_NONE)
		return -EBADF;
	if (msg->fd < 0 && req->fd == IPC_FD_REQUIRED)
		return -EBADF;
	if (msg->type == IPC_KEEPER_CONFIG)
		return send_config(sock, msg);

	writer_init(&w, body, sizeof(body));
	err = ipc_encode(msg, &w);
	if (err == 0)
		err = ipc_send(sock, msg->type, msg->id, body, w.off, msg->fd);
	secure_zero(body, w.off);
	return err;
}

/* Takes the descriptors of a received message.  The first goes into *fd,
 * and any further ones are closed and fail the message. */
static int take_fds(struct msghdr *mh, int *fd)
{
	int err = 0;

	*fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < n; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
			if (*fd < 0) {
				*fd = f;
				continue;
			}
			close(f);
			err = -EBADF;
		}
	}
	return err;
}

static int recv_datagram(int sock, uint8_t *buf, size_t cap, size_t *len,
                         int *fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * RECV_FDS_MAX)];
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr mh = {
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = ctl.buf,
	        .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;
	int err;

	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	*len = (size_t)n;
	err = take_fds(&mh, fd);
	if (err == 0 && (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		err = -EMSGSIZE;
	if (err == 0 && n == 0)
		err = -ECONNRESET;
	return err;
}

int ipc_recv(int sock, enum ipc_peer from, struct ipc_msg *out, uint8_t *buf,
             size_t cap)
{
	size_t len = 0;
	int fd = -1;
	int err;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	err = recv_datagram(sock, buf, cap, &len, &fd);
	if (err == -EMSGSIZE)
		out->reason = "datagram or control data truncated";
	else if (err == -EBADF)
		out->reason = "more than one descriptor";
	if (err == 0)
		err = ipc_parse(buf, len, fd >= 0, from, out);
	if (err) {
		if (fd >= 0)
			close(fd);
		secure_zero(buf, len < cap ? len : cap);
		return err;
	}
	out->fd = fd;
	return 0;
}
