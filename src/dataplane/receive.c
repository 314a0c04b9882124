// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading from the sockets and TUN devices, in bounded batches. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dataplane/datapath.h"
#include "util/log.h"

#define BATCH 64
#define NON_ESP_MARKER_LEN 4

/* Fills *to with the packet's destination address from IP_PKTINFO. */
static void pktinfo_dest(struct msghdr *mh, int family, uint16_t port,
			 struct sockaddr_storage *to)
{
	memset(to, 0, sizeof(*to));
	to->ss_family = (sa_family_t)family;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in *)to)->sin_addr = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in6 *)to)->sin6_addr = pi.ipi6_addr;
		}
	}
	sockaddr_set_port(to, port);
}

static void udp_packet(struct datapath *dp, uint8_t *buf, size_t n,
		       const struct sockaddr_storage *from,
		       const struct sockaddr_storage *to, bool natt)
{
	if (!natt) {
		ike_engine_input(dp->eng, buf, n, from, to, false);
		return;
	}
	if (n == 1 && buf[0] == 0xff) {
		dp->keepalives_received++;
		return;
	}
	if (n >= NON_ESP_MARKER_LEN && memcmp(buf, "\0\0\0\0", 4) == 0) {
		ike_engine_input(dp->eng, buf + NON_ESP_MARKER_LEN,
				 n - NON_ESP_MARKER_LEN, from, to, true);
		return;
	}
	dp_esp_input(dp, buf, n, from);
}

/* Skips the IPv4 header a raw IPv4 socket delivers. */
static uint8_t *raw_payload(uint8_t *buf, size_t *n, int family)
{
	if (family != AF_INET)
		return buf;
	if (*n < 20)
		return NULL;
	size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > *n)
		return NULL;
	*n -= ihl;
	return buf + ihl;
}

void dp_read_socket(struct datapath *dp, int fd, int family, bool natt,
		    bool raw_esp)
{
	static uint8_t buf[DP_MAX_PACKET];
	union {
		char c[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
		struct cmsghdr align;
	} ctl;

	for (int i = 0; i < BATCH; i++) {
		struct sockaddr_storage from, to;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl.c,
			.msg_controllen = sizeof(ctl.c),
		};
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_limited(LOG_WARN, "net",
					    "receive failed: %s",
					    strerror(errno));
			return;
		}
		size_t len = (size_t)n;
		if (raw_esp) {
			uint8_t *p = raw_payload(buf, &len, family);
			if (p)
				dp_esp_input(dp, p, len, &from);
			continue;
		}
		pktinfo_dest(&mh, family, natt ? 4500 : 500, &to);
		udp_packet(dp, buf, len, &from, &to, natt);
	}
}

void dp_read_tun(struct datapath *dp, struct dp_realm *realm)
{
	static uint8_t buf[DP_MAX_PACKET];
	for (int i = 0; i < BATCH; i++) {
		ssize_t n = read(realm->tun_fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_limited(LOG_WARN, "tun",
					    "read from %s failed: %s",
					    realm->ifname, strerror(errno));
			return;
		}
		dp_tun_input(dp, realm, buf, (size_t)n);
	}
}
