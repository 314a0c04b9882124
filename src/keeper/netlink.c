// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rtnetlink requests for the TUN device.  Each call opens its own socket,
 * sends one request with NLM_F_ACK and returns the error from the kernel's
 * acknowledgement, so calls are independent and need no shared state.
 */
#include "keeper/netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

/* Protocol of the routes crest installs. nl_route_del matches only these. */
#define CREST_RTPROT RTPROT_STATIC

#define NL_BUF_SIZE 8192
/* Bounds the wait for the kernel's acknowledgement. */
#define NL_RECV_TIMEOUT_SEC 5
#define NL_MAX_RECV         16

static int nl_ifindex(const char *ifname, unsigned *index)
{
	if (!ifname)
		return -EINVAL;
	*index = if_nametoindex(ifname);
	return *index ? 0 : -ENODEV;
}

/* Returns the address length for family, or 0 if crest does not route it. */
static size_t nl_addr_len(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

static struct nlmsghdr *nl_put_request(void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	return nlh;
}

static int nl_open(struct mnl_socket **out)
{
	struct timeval timeout = {.tv_sec = NL_RECV_TIMEOUT_SEC};
	struct mnl_socket *nl;
	int err;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &timeout,
	               sizeof(timeout)) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	*out = nl;
	return 0;
}

/* Sends nlh and waits for its acknowledgement. Returns 0 or -errno. */
static int nl_transact(const struct nlmsghdr *nlh)
{
	char buf[NL_BUF_SIZE];
	struct mnl_socket *nl = NULL;
	unsigned portid;
	ssize_t n;
	int err, ret;

	err = nl_open(&nl);
	if (err)
		return err;
	portid = mnl_socket_get_portid(nl);

	err = -ETIMEDOUT;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	for (int i = 0; i < NL_MAX_RECV; i++) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			err = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		/* mnl_cb_run sets errno to the kernel's error from the ACK. */
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL,
		                 NULL);
		if (ret < 0) {
			err = errno ? -errno : -EPROTO;
			break;
		}
		if (ret == MNL_CB_STOP) {
			err = 0;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return err;
}

int nl_link_up(const char *ifname, unsigned mtu)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	unsigned index;
	int err;

	err = nl_ifindex(ifname, &index);
	if (err)
		return err;

	nlh = nl_put_request(buf, RTM_NEWLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	/* An MTU of 0 leaves the device's MTU unchanged. */
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_transact(nlh);
}

int nl_addr_add(const char *ifname, int family, const uint8_t *addr,
                unsigned prefix)
{
	char buf[NL_BUF_SIZE];
	size_t addr_len = nl_addr_len(family);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	unsigned index;
	int err;

	if (addr_len == 0)
		return -EAFNOSUPPORT;
	if (!addr || prefix > addr_len * 8)
		return -EINVAL;
	err = nl_ifindex(ifname, &index);
	if (err)
		return err;

	/* NLM_F_REPLACE makes adding an existing address succeed. */
	nlh = nl_put_request(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	if (family == AF_INET6) {
		/* Skip duplicate address detection so the address is usable
		 * at once instead of staying tentative. */
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	mnl_attr_put(nlh, IFA_LOCAL, addr_len, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len, addr);
	return nl_transact(nlh);
}

static int nl_route_request(uint16_t type, uint16_t flags, const char *ifname,
                            int family, const uint8_t *dst, unsigned prefix,
                            const uint8_t *src)
{
	char buf[NL_BUF_SIZE];
	size_t addr_len = nl_addr_len(family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	unsigned index;
	int err;

	if (addr_len == 0)
		return -EAFNOSUPPORT;
	if ((!dst && prefix > 0) || prefix > addr_len * 8)
		return -EINVAL;
	err = nl_ifindex(ifname, &index);
	if (err)
		return err;

	nlh = nl_put_request(buf, type, flags);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = (uint8_t)prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = CREST_RTPROT;
	rtm->rtm_type = RTN_UNICAST;
	/* A delete with scope "nowhere" matches a route of any scope. */
	rtm->rtm_scope =
	        type == RTM_NEWROUTE ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
	if (prefix > 0)
		mnl_attr_put(nlh, RTA_DST, addr_len, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, index);
	if (src)
		mnl_attr_put(nlh, RTA_PREFSRC, addr_len, src);
	return nl_transact(nlh);
}

int nl_route_add(const char *ifname, int family, const uint8_t *dst,
                 unsigned prefix, const uint8_t *src)
{
	/* NLM_F_REPLACE makes adding the same route again succeed. */
	return nl_route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
	                        ifname, family, dst, prefix, src);
}

int nl_route_del(const char *ifname, int family, const uint8_t *dst,
                 unsigned prefix)
{
	return nl_route_request(RTM_DELROUTE, 0, ifname, family, dst, prefix,
	                        NULL);
}
