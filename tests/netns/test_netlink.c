// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Configures a TUN device through the rtnetlink calls, checks the result
 * with `ip` and with sockets, and sends traffic through it.  Run inside a
 * fresh network namespace (netlink.sh) because it adds links and routes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dataplane/tun.h"
#include "keeper/netlink.h"

#define TEST_PORT     9999
#define MAX_TUN_READS 64
#define TUN_WAIT_MS   3000

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			        __LINE__, #cond);                              \
			exit(1);                                               \
		}                                                              \
	} while (0)

struct family_case {
	int family;
	const char *local; /* address on the TUN device */
	unsigned local_prefix;
	const char *remote_net; /* routed into the TUN device */
	unsigned remote_prefix;
	const char *target; /* a host in remote_net */
	const char *router; /* sender of the too-big message */
	unsigned too_big_mtu;
};

static const struct family_case cases[] = {
        {AF_INET, "198.51.100.1", 24, "203.0.113.0", 24, "203.0.113.5",
         "203.0.113.1", 1300},
        {AF_INET6, "2001:db8:a::1", 64, "2001:db8:b::", 64, "2001:db8:b::5",
         "2001:db8:b::1", 1280},
};

static char ifname[IFNAMSIZ];

static void parse_addr(int family, const char *text, uint8_t *out)
{
	CHECK(inet_pton(family, text, out) == 1);
}

/* Runs `ip args`, stores its standard output in out, and fails the test
 * if ip fails. */
static void run_ip(const char *args, char *out, size_t cap)
{
	char cmd[256];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ip %s", args);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	while (n + 1 < cap && !feof(p) && !ferror(p))
		n += fread(out + n, 1, cap - 1 - n, p);
	out[n] = '\0';
	CHECK(pclose(p) == 0);
}

static unsigned count_lines(const char *text)
{
	unsigned lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

static void check_link(int mtu)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	CHECK(ioctl(fd, SIOCGIFMTU, &ifr) == 0);
	CHECK(ifr.ifr_mtu == mtu);
	CHECK(ioctl(fd, SIOCGIFFLAGS, &ifr) == 0);
	CHECK(ifr.ifr_flags & IFF_UP);
	close(fd);
}

static socklen_t make_sockaddr(int family, const char *text, uint16_t port,
                               struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		parse_addr(family, text, (uint8_t *)&sin->sin_addr);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	parse_addr(family, text, (uint8_t *)&sin6->sin6_addr);
	return sizeof(*sin6);
}

/* Returns a UDP socket connected to target, or -errno from connect(). */
static int connect_udp(int family, const char *target)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sockaddr(family, target, TEST_PORT, &ss);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err;

	CHECK(fd >= 0);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Checks that the kernel picks local as source when sending to target. */
static void check_source_for(const struct family_case *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char text[INET6_ADDRSTRLEN];
	int fd = connect_udp(c->family, c->target);
	const void *addr;

	CHECK(fd >= 0);
	CHECK(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
	if (c->family == AF_INET)
		addr = &((struct sockaddr_in *)&ss)->sin_addr;
	else
		addr = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	CHECK(inet_ntop(c->family, addr, text, sizeof(text)) != NULL);
	CHECK(strcmp(text, c->local) == 0);
	close(fd);
}

static void configure(int tun_fd)
{
	uint8_t local[16], net[16];
	char out[4096], args[128];

	CHECK(nl_link_up(ifname, 1400) == 0);
	check_link(1400);

	for (size_t i = 0; i < 2; i++) {
		const struct family_case *c = &cases[i];

		parse_addr(c->family, c->local, local);
		parse_addr(c->family, c->remote_net, net);
		CHECK(nl_addr_add(ifname, c->family, local, c->local_prefix) ==
		      0);
		/* Adding the same address again succeeds. */
		CHECK(nl_addr_add(ifname, c->family, local, c->local_prefix) ==
		      0);
		CHECK(nl_route_add(ifname, c->family, net, c->remote_prefix,
		                   local) == 0);
		CHECK(nl_route_add(ifname, c->family, net, c->remote_prefix,
		                   local) == 0);

		snprintf(args, sizeof(args), "-o addr show dev %s", ifname);
		run_ip(args, out, sizeof(out));
		snprintf(args, sizeof(args), "%s/%u", c->local,
		         c->local_prefix);
		CHECK(strstr(out, args) != NULL);

		snprintf(args, sizeof(args), "%s route show %s/%u",
		         c->family == AF_INET ? "-4" : "-6", c->remote_net,
		         c->remote_prefix);
		run_ip(args, out, sizeof(out));
		CHECK(count_lines(out) == 1);
		CHECK(strstr(out, ifname) != NULL);
		CHECK(strstr(out, "proto static") != NULL);
		snprintf(args, sizeof(args), "src %s ", c->local);
		CHECK(strstr(out, args) != NULL);
		check_source_for(c);
	}
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Returns whether pkt is a UDP datagram from local to target:TEST_PORT. */
static int is_test_datagram(const struct family_case *c, const uint8_t *pkt,
                            size_t len)
{
	uint8_t local[16], target[16];
	size_t alen = c->family == AF_INET ? 4 : 16;
	size_t hdr = c->family == AF_INET ? 20 : 40;

	parse_addr(c->family, c->local, local);
	parse_addr(c->family, c->target, target);
	if (len < hdr + 8 || pkt[0] >> 4 != (c->family == AF_INET ? 4 : 6))
		return 0;
	if (c->family == AF_INET)
		return pkt[9] == IPPROTO_UDP && (pkt[0] & 0x0f) == 5 &&
		       !memcmp(pkt + 12, local, alen) &&
		       !memcmp(pkt + 16, target, alen) &&
		       (pkt[hdr + 2] << 8 | pkt[hdr + 3]) == TEST_PORT;
	return pkt[6] == IPPROTO_UDP && !memcmp(pkt + 8, local, alen) &&
	       !memcmp(pkt + 24, target, alen) &&
	       (pkt[hdr + 2] << 8 | pkt[hdr + 3]) == TEST_PORT;
}

/*
 * Reads packets from the TUN device until the test datagram arrives,
 * skipping others such as IPv6 router solicitations.  Returns its length.
 */
static size_t read_test_datagram(int tun_fd, const struct family_case *c,
                                 uint8_t *pkt, size_t cap)
{
	struct pollfd pfd = {.fd = tun_fd, .events = POLLIN};
	struct timespec start;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < MAX_TUN_READS; i++) {
		long left = TUN_WAIT_MS - elapsed_ms(&start);

		CHECK(left > 0);
		CHECK(poll(&pfd, 1, (int)left) == 1);
		n = read(tun_fd, pkt, cap);
		CHECK(n > 0);
		if (is_test_datagram(c, pkt, (size_t)n))
			return (size_t)n;
	}
	CHECK(!"test datagram not read from the TUN device");
	return 0;
}

static int path_mtu(int fd, int family)
{
	int mtu = 0;
	socklen_t len = sizeof(mtu);

	if (family == AF_INET)
		CHECK(getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len) == 0);
	else
		CHECK(getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &len) == 0);
	return mtu;
}

/*
 * Sends a datagram into the tunnel route and reads it from the TUN device.
 * Then writes back the too-big message built for it and waits for the
 * kernel to lower the socket's path MTU. The kernel does so only if the
 * message and its checksums are valid.
 */
static void check_traffic(int tun_fd, const struct family_case *c)
{
	static const char payload[] = "crest netns test";
	uint8_t pkt[2048], msg[1280], router[16];
	int fd = connect_udp(c->family, c->target);
	struct timespec start;
	size_t len, msg_len;

	CHECK(fd >= 0);
	CHECK(path_mtu(fd, c->family) == 1400);
	CHECK(send(fd, payload, sizeof(payload), 0) ==
	      (ssize_t)sizeof(payload));
	len = read_test_datagram(tun_fd, c, pkt, sizeof(pkt));
	CHECK(memcmp(pkt + len - sizeof(payload), payload, sizeof(payload)) ==
	      0);

	parse_addr(c->family, c->router, router);
	msg_len = icmp_build_too_big(pkt, len, c->too_big_mtu, router, msg,
	                             sizeof(msg));
	CHECK(msg_len > 0);
	CHECK(write(tun_fd, msg, msg_len) == (ssize_t)msg_len);

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (path_mtu(fd, c->family) != (int)c->too_big_mtu &&
	       elapsed_ms(&start) < TUN_WAIT_MS)
		usleep(10000);
	CHECK(path_mtu(fd, c->family) == (int)c->too_big_mtu);
	close(fd);
}

static void check_route_del(const struct family_case *c)
{
	uint8_t net[16];

	parse_addr(c->family, c->remote_net, net);
	CHECK(nl_route_del(ifname, c->family, net, c->remote_prefix) == 0);
	/* No route is left to the target in a fresh namespace. */
	CHECK(connect_udp(c->family, c->target) == -ENETUNREACH);
	CHECK(nl_route_del(ifname, c->family, net, c->remote_prefix) == -ESRCH);
}

static void check_errors(void)
{
	static const char missing[] = "crnl-missing0";
	uint8_t addr[16];

	parse_addr(AF_INET, "203.0.113.0", addr);
	CHECK(nl_route_add(missing, AF_INET, addr, 24, NULL) == -ENODEV);
	CHECK(nl_route_del(missing, AF_INET, addr, 24) == -ENODEV);
	CHECK(nl_addr_add(missing, AF_INET, addr, 24) == -ENODEV);
	CHECK(nl_link_up(missing, 1400) == -ENODEV);

	CHECK(nl_route_add(ifname, AF_INET, addr, 33, NULL) == -EINVAL);
	CHECK(nl_addr_add(ifname, AF_UNIX, addr, 24) == -EAFNOSUPPORT);
	/* The kernel rejects host bits beyond the prefix length. */
	parse_addr(AF_INET, "203.0.113.7", addr);
	CHECK(nl_route_add(ifname, AF_INET, addr, 24, NULL) == -EINVAL);
	/* The kernel rejects an MTU below the TUN minimum of 68 bytes. */
	CHECK(nl_link_up(ifname, 10) == -EINVAL);
}

int main(void)
{
	int tun_fd;

	tun_fd = tun_open("crtest%d", ifname);
	CHECK(tun_fd >= 0);
	CHECK(strncmp(ifname, "crtest", 6) == 0);
	CHECK(strchr(ifname, '%') == NULL);
	configure(tun_fd);
	for (size_t i = 0; i < 2; i++) {
		check_traffic(tun_fd, &cases[i]);
		check_route_del(&cases[i]);
	}
	check_errors();
	close(tun_fd);
	printf("ok\n");
	return 0;
}
