// SPDX-License-Identifier: LGPL-2.1-or-later
/* The IKE and ESP sockets, and sending IKE messages and keepalives. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dataplane/datapath.h"
#include "util/log.h"

static int open_udp(int family, uint16_t port)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	socklen_t len;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_port = htons(port);
		len = sizeof(*sin);
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_port = htons(port);
		len = sizeof(*sin6);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			   sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * The data path reads in bursts; a few megabytes of socket buffer ride
 * out the bursts a TCP flow sends instead of dropping them.  The FORCE
 * options exceed net.core.rmem_max but need CAP_NET_ADMIN.
 */
#define DP_SOCKET_BUFFER (4 << 20)

static void enlarge_buffers(int fd)
{
	int size = DP_SOCKET_BUFFER;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

static int open_family(struct dp_sockets *s, int family)
{
	s->ike = open_udp(family, 500);
	s->natt = open_udp(family, 4500);
	s->esp = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_ESP);
	if (s->esp < 0)
		s->esp = -errno;
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";
	if (s->ike < 0 || s->natt < 0) {
		log_error("net", "cannot bind UDP ports 500 and 4500 (%s): %s",
			  fam, strerror(-(s->ike < 0 ? s->ike : s->natt)));
		return s->ike < 0 ? s->ike : s->natt;
	}
	if (s->esp < 0) {
		log_error("net", "cannot open a raw ESP socket (%s): %s", fam,
			  strerror(-s->esp));
		return s->esp;
	}
	enlarge_buffers(s->natt);
	enlarge_buffers(s->esp);
	return 0;
}

int dp_open_sockets(struct datapath *dp, const struct cfg *cfg)
{
	bool v4 = false, v6 = false;
	dp->v4 = (struct dp_sockets){ -1, -1, -1 };
	dp->v6 = (struct dp_sockets){ -1, -1, -1 };
	for (size_t r = 0; r < cfg->n_realms; r++)
		for (size_t i = 0; i < cfg->realms[r].n_conns; i++) {
			int f = cfg->realms[r].conns[i].local_addr.ss_family;
			v4 |= f == AF_INET;
			v6 |= f == AF_INET6;
		}
	int err = 0;
	if (v4)
		err = open_family(&dp->v4, AF_INET);
	if (err == 0 && v6)
		err = open_family(&dp->v6, AF_INET6);
	return err;
}

static void close_family(struct dp_sockets *s)
{
	if (s->ike >= 0)
		close(s->ike);
	if (s->natt >= 0)
		close(s->natt);
	if (s->esp >= 0)
		close(s->esp);
	*s = (struct dp_sockets){ -1, -1, -1 };
}

void dp_close(struct datapath *dp)
{
	close_family(&dp->v4);
	close_family(&dp->v6);
	for (size_t i = 0; i < dp->n_realms; i++)
		if (dp->realms[i].tun_fd >= 0)
			close(dp->realms[i].tun_fd);
}

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in)
					: sizeof(struct sockaddr_in6);
}

/* Sends from the given local address (IP_PKTINFO), whatever the route. */
static ssize_t send_from(int fd, const struct sockaddr_storage *local,
			 const struct sockaddr_storage *remote,
			 const struct iovec *iov, int iovcnt)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {
		.msg_name = (void *)remote,
		.msg_namelen = ss_len(remote),
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = (size_t)iovcnt,
	};
	memset(&u, 0, sizeof(u));
	if (local && local->ss_family == AF_INET) {
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		struct in_pktinfo pi = {
			.ipi_spec_dst =
				((const struct sockaddr_in *)local)->sin_addr,
		};
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else if (local && local->ss_family == AF_INET6) {
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
		struct in6_pktinfo pi = {
			.ipi6_addr =
				((const struct sockaddr_in6 *)local)->sin6_addr,
		};
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	return sendmsg(fd, &mh, 0);
}

static const struct dp_sockets *family_sockets(const struct datapath *dp,
					       int family)
{
	return family == AF_INET ? &dp->v4 : &dp->v6;
}

static int dp_send_ike(void *io, const struct sockaddr_storage *local,
		       const struct sockaddr_storage *remote, bool natt,
		       const uint8_t *msg, size_t len)
{
	struct datapath *dp = io;
	const struct dp_sockets *s = family_sockets(dp, remote->ss_family);
	static const uint8_t marker[4];
	struct iovec iov[2] = {
		{ .iov_base = (void *)marker, .iov_len = 4 },
		{ .iov_base = (void *)msg, .iov_len = len },
	};
	ssize_t n = natt ? send_from(s->natt, local, remote, iov, 2)
			 : send_from(s->ike, local, remote, iov + 1, 1);
	if (n < 0) {
		log_limited(LOG_WARN, "net", "sending IKE message failed: %s",
			    strerror(errno));
		return -errno;
	}
	return 0;
}

int dp_send_esp(struct datapath *dp, const struct ike_sa *ike,
		const uint8_t *pkt, size_t len)
{
	const struct dp_sockets *s = family_sockets(dp, ike->remote.ss_family);
	struct iovec iov = { .iov_base = (void *)pkt, .iov_len = len };
	ssize_t n;

	if (ike->natt) {
		n = send_from(s->natt, &ike->local, &ike->remote, &iov, 1);
	} else {
		struct sockaddr_storage raw = ike->remote;
		sockaddr_set_port(&raw, 0);
		n = send_from(s->esp, &ike->local, &raw, &iov, 1);
	}
	return n < 0 ? -errno : 0;
}

static void dp_keepalive(void *io, const struct ike_sa *sa)
{
	struct datapath *dp = io;
	const struct dp_sockets *s = family_sockets(dp, sa->remote.ss_family);
	uint8_t ka = 0xff;
	struct iovec iov = { .iov_base = &ka, .iov_len = 1 };
	if (send_from(s->natt, &sa->local, &sa->remote, &iov, 1) == 1)
		dp->keepalives_sent++;
	ike_log(sa, LOG_DEBUG, "sent NAT-T keepalive");
}

const struct ike_engine_ops dp_engine_ops = {
	.send = dp_send_ike,
	.keepalive = dp_keepalive,
	.child_up = dp_child_up,
	.child_down = dp_child_down,
};
