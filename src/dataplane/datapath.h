/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ESP data path: packets the kernel routes into a realm's TUN device
 * are matched to a CHILD_SA by longest prefix over its remote selectors,
 * encapsulated and sent as raw ESP or ESP in UDP; received ESP is
 * decapsulated and written to the TUN device.
 */
#ifndef CREST_DATAPLANE_DATAPATH_H
#define CREST_DATAPLANE_DATAPATH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config/config.h"
#include "ike/engine.h"

/* Worst case outer IPv6 + UDP + ESP header, IV, padding, trailer, ICV. */
#define DP_MAX_OVERHEAD (40 + 8 + 8 + 16 + 15 + 2 + 32)
#define DP_MAX_PACKET 65535

struct dp_realm {
	struct cfg_realm *cfg;
	int tun_fd;
	char ifname[IFNAMSIZ];
	unsigned mtu;
};

/* Sockets of one address family. */
struct dp_sockets {
	int ike;  /* UDP 500 */
	int natt; /* UDP 4500: IKE with the non-ESP marker, and ESP */
	int esp;  /* raw IP protocol 50 */
};

enum dp_drop {
	DP_DROP_NO_ROUTE,	/* no CHILD_SA covers the destination */
	DP_DROP_UNKNOWN_SPI,
	DP_DROP_SHORT,
	DP_DROP_SEND_FAILED,
	DP_DROP_TOO_BIG,	/* answered with ICMP too-big */
	DP_DROP_TRAP_QUEUE,	/* on-traffic queue full */
	DP_DROP_OUTSIDE_SELECTORS, /* a CHILD_SA covers the destination but
				      not the source */
	DP_DROP_COUNT,
};

/* Packets held while an on-traffic connection sets up its SAs. */
#define DP_TRAP_QUEUE 32
#define DP_TRAP_CONNS 8

struct dp_trap_queue {
	const struct cfg_conn *conn;
	size_t n;
	uint8_t *pkt[DP_TRAP_QUEUE];
	size_t len[DP_TRAP_QUEUE];
};

/*
 * Adds or removes a route for one of a connection's remote networks via a
 * realm's TUN device.  An engine without privileges sends the request to
 * the keeper; NULL in struct datapath means netlink directly.
 */
typedef int dp_route_fn(void *ctx, const struct dp_realm *realm,
			const struct cfg_conn *conn, bool add, int family,
			const uint8_t *addr, unsigned prefix,
			const uint8_t *src);

struct datapath {
	struct ike_engine *eng;
	struct dp_realm *realms;
	size_t n_realms;
	struct dp_sockets v4;
	struct dp_sockets v6;
	uint64_t drops[DP_DROP_COUNT];
	struct dp_trap_queue traps[DP_TRAP_CONNS];
	dp_route_fn *route;
	void *route_ctx;
	uint64_t keepalives_sent;
	uint64_t keepalives_received;
};

const char *dp_drop_name(enum dp_drop reason);

/* Opens the sockets for the families the configuration uses. */
int dp_open_sockets(struct datapath *dp, const struct cfg *cfg);
/* Creates and configures each realm's TUN device. */
int dp_open_realms(struct datapath *dp, struct cfg *cfg);
/* Takes over TUN devices another process configured, one fd per realm. */
int dp_adopt_realms(struct datapath *dp, struct cfg *cfg, const int *tun_fds);
/* The tunnel MTU of a realm: configured, or path MTU minus overhead. */
unsigned dp_realm_mtu(const struct cfg_realm *realm);
void dp_close(struct datapath *dp);

/* Routes the remote networks of on-traffic connections into the TUN. */
int dp_install_traps(struct datapath *dp);
/* Adds the routes of the on-traffic children of one connection, or
 * removes those that no installed CHILD_SA and no on-traffic child of
 * another connection of the realm still uses.  A reload calls it for the
 * connections it adds, changes or removes. */
void dp_trap_routes(struct datapath *dp, const struct cfg_conn *conn,
		    bool add);

/* Handles one packet read from a realm's TUN device. */
void dp_tun_input(struct datapath *dp, struct dp_realm *realm, uint8_t *pkt,
		  size_t len);
/* Handles one ESP packet (from its SPI on). */
void dp_esp_input(struct datapath *dp, uint8_t *pkt, size_t len,
		  const struct sockaddr_storage *from);
/* Reads everything pending on one socket or TUN fd (bounded batch). */
void dp_read_socket(struct datapath *dp, int fd, int family, bool natt,
		    bool raw_esp);
void dp_read_tun(struct datapath *dp, struct dp_realm *realm);

/* Sends an ESP packet to the peer of ike, raw or in UDP. */
int dp_send_esp(struct datapath *dp, const struct ike_sa *ike,
		const uint8_t *pkt, size_t len);
/* Adds or removes the routes for a CHILD_SA's remote selectors. */
void dp_child_up(void *io, struct child_sa *child);
void dp_child_down(void *io, struct child_sa *child);

/* Callbacks for the IKE engine. */
extern const struct ike_engine_ops dp_engine_ops;

#endif
