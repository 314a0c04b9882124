// SPDX-License-Identifier: LGPL-2.1-or-later
#include "dataplane/datapath.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dataplane/trap.h"
#include "dataplane/tun.h"
#include "keeper/netlink.h"
#include "util/log.h"


static const char *const drop_names[DP_DROP_COUNT] = {
	[DP_DROP_NO_ROUTE] = "no_child_sa",
	[DP_DROP_UNKNOWN_SPI] = "unknown_spi",
	[DP_DROP_SHORT] = "truncated",
	[DP_DROP_SEND_FAILED] = "send_failed",
	[DP_DROP_TOO_BIG] = "too_big",
	[DP_DROP_TRAP_QUEUE] = "trap_queue_full",
	[DP_DROP_OUTSIDE_SELECTORS] = "outside_selectors",
};

const char *dp_drop_name(enum dp_drop reason)
{
	return reason < DP_DROP_COUNT ? drop_names[reason] : "?";
}

static void count(struct datapath *dp, enum dp_drop reason)
{
	dp->drops[reason]++;
	log_limited(LOG_DEBUG, "esp", "dropped packet: %s",
		    dp_drop_name(reason));
}

/* The inner address of the realm in the given family, or NULL. */
static const struct cfg_inner_addr *inner_addr(const struct cfg_realm *r,
					       int family)
{
	for (size_t i = 0; i < r->n_inner; i++)
		if (r->inner[i].family == family)
			return &r->inner[i];
	return NULL;
}

unsigned dp_realm_mtu(const struct cfg_realm *realm)
{
	return realm->mtu ? realm->mtu : realm->path_mtu - DP_MAX_OVERHEAD;
}

int dp_adopt_realms(struct datapath *dp, struct cfg *cfg, const int *tun_fds)
{
	dp->realms = calloc(cfg->n_realms, sizeof(*dp->realms));
	if (!dp->realms)
		return -ENOMEM;
	dp->n_realms = cfg->n_realms;
	for (size_t i = 0; i < cfg->n_realms; i++) {
		struct dp_realm *r = &dp->realms[i];
		r->cfg = &cfg->realms[i];
		r->tun_fd = tun_fds[i];
		snprintf(r->ifname, sizeof(r->ifname), "%s", r->cfg->tun_name);
		r->mtu = dp_realm_mtu(r->cfg);
	}
	return 0;
}

int dp_open_realms(struct datapath *dp, struct cfg *cfg)
{
	dp->realms = calloc(cfg->n_realms, sizeof(*dp->realms));
	if (!dp->realms)
		return -ENOMEM;
	dp->n_realms = cfg->n_realms;
	for (size_t i = 0; i < cfg->n_realms; i++) {
		struct dp_realm *r = &dp->realms[i];
		r->cfg = &cfg->realms[i];
		r->tun_fd = tun_open(r->cfg->tun_name, r->ifname);
		if (r->tun_fd < 0) {
			log_error("tun", "cannot create TUN device %s: %s",
				  r->cfg->tun_name, strerror(-r->tun_fd));
			return r->tun_fd;
		}
		r->mtu = dp_realm_mtu(r->cfg);
		int err = nl_link_up(r->ifname, r->mtu);
		for (size_t a = 0; err == 0 && a < r->cfg->n_inner; a++) {
			const struct cfg_inner_addr *ia = &r->cfg->inner[a];
			err = nl_addr_add(r->ifname, ia->family, ia->addr,
					  ia->prefix);
		}
		if (err < 0) {
			log_error("tun", "cannot configure %s: %s", r->ifname,
				  strerror(-err));
			return err;
		}
		log_info("tun", "realm %s: device %s up, MTU %u", r->cfg->name,
			 r->ifname, r->mtu);
	}
	return 0;
}

static struct dp_realm *realm_of(struct datapath *dp,
				 const struct cfg_realm *realm)
{
	for (size_t i = 0; i < dp->n_realms; i++)
		if (dp->realms[i].cfg == realm)
			return &dp->realms[i];
	return NULL;
}

/* Whether an installed CHILD_SA of the realm other than `child`, or an
 * on-traffic connection of the realm other than `conn`, routes the range. */
static bool route_shared(struct datapath *dp, const struct cfg_realm *realm,
			 const struct child_sa *child,
			 const struct cfg_conn *conn,
			 const struct traffic_selector *ts)
{
	for (struct ike_sa *sa = dp->eng->sas; sa; sa = sa->next) {
		if (sa->conn->realm != realm)
			continue;
		for (struct child_sa *c = sa->children; c; c = c->next)
			for (size_t i = 0; c != child && c->installed &&
					   i < c->n_remote_ts;
			     i++)
				if (memcmp(&c->remote_ts[i], ts,
					   sizeof(*ts)) == 0)
					return true;
	}
	for (size_t j = 0; j < realm->n_conns; j++) {
		const struct cfg_conn *c = &realm->conns[j];
		for (size_t k = 0; c != conn && k < c->n_children; k++) {
			const struct cfg_child *ch = &c->children[k];
			if (!config_child_trapped(c, k))
				continue;
			for (size_t i = 0; i < ch->n_remote_ts; i++)
				if (memcmp(&ch->remote_ts[i], ts,
					   sizeof(*ts)) == 0)
					return true;
		}
	}
	return false;
}

static void route_ts(struct datapath *dp, struct dp_realm *r,
		     const struct cfg_conn *conn,
		     const struct traffic_selector *ts, bool add)
{
	int family;
	uint8_t addr[16];
	unsigned prefix;
	char text[96];
	ts_format(ts, text, sizeof(text));
	if (!ts_to_prefix(ts, &family, addr, &prefix)) {
		log_warn("tun", "selector %s is not a prefix; no route", text);
		return;
	}
	/* The keeper rejects such a route, and without one it would pull the
	 * IKE and ESP packets to the gateway into the tunnel. */
	const struct sockaddr_storage *gw =
		add ? config_gateway_in(conn, ts) : NULL;
	if (gw) {
		char gw_text[INET6_ADDRSTRLEN] = "?";
		size_t alen;
		inet_ntop(gw->ss_family, sockaddr_addr(gw, &alen), gw_text,
			  sizeof(gw_text));
		log_warn("tun", "%s: no route for %s: it covers the gateway "
			 "address %s, whose IKE and ESP packets would enter the "
			 "tunnel; use selectors that leave it out",
			 conn->name, text, gw_text);
		return;
	}
	const struct cfg_inner_addr *src = inner_addr(r->cfg, family);
	int err;
	if (dp->route)
		err = dp->route(dp->route_ctx, r, conn, add, family, addr,
				prefix, src ? src->addr : NULL);
	else if (add)
		err = nl_route_add(r->ifname, family, addr, prefix,
				   src ? src->addr : NULL);
	else
		err = nl_route_del(r->ifname, family, addr, prefix);
	if (err < 0 && !(err == -ESRCH && !add))
		log_warn("tun", "%s route %s via %s failed: %s",
			 add ? "adding" : "removing", text, r->ifname,
			 strerror(-err));
	else
		log_debug("tun", "%s route %s via %s",
			  add ? "added" : "removed", text, r->ifname);
}

int dp_install_traps(struct datapath *dp)
{
	for (size_t i = 0; i < dp->n_realms; i++) {
		struct dp_realm *r = &dp->realms[i];
		for (size_t j = 0; j < r->cfg->n_conns; j++) {
			const struct cfg_conn *c = &r->cfg->conns[j];
			for (size_t k = 0; k < c->n_children; k++) {
				const struct cfg_child *ch = &c->children[k];
				if (!config_child_trapped(c, k))
					continue;
				for (size_t t = 0; t < ch->n_remote_ts; t++)
					route_ts(dp, r, c, &ch->remote_ts[t],
						 true);
			}
		}
	}
	return 0;
}

void dp_trap_routes(struct datapath *dp, const struct cfg_conn *conn, bool add)
{
	struct dp_realm *r = realm_of(dp, conn->realm);
	if (!r)
		return;
	for (size_t k = 0; k < conn->n_children; k++) {
		const struct cfg_child *ch = &conn->children[k];
		if (!config_child_trapped(conn, k))
			continue;
		for (size_t t = 0; t < ch->n_remote_ts; t++)
			if (add || !route_shared(dp, r->cfg, NULL, conn,
						 &ch->remote_ts[t]))
				route_ts(dp, r, conn, &ch->remote_ts[t], add);
	}
}

static void set_routes(struct datapath *dp, struct child_sa *child, bool add)
{
	struct dp_realm *r = realm_of(dp, child->ike->conn->realm);
	if (!r)
		return;
	/* An on-traffic child keeps its routes to catch the next packet
	 * after its SAs go. */
	if (!add && ike_engine_child_trapped(dp->eng, child->ike->conn,
					     child->cfg_index))
		return;
	for (size_t i = 0; i < child->n_remote_ts; i++) {
		/* A rekey's old and new SAs share their routes. */
		if (!add && route_shared(dp, r->cfg, child, NULL,
					 &child->remote_ts[i]))
			continue;
		route_ts(dp, r, child->ike->conn, &child->remote_ts[i], add);
	}
}

void dp_child_up(void *io, struct child_sa *child)
{
	set_routes(io, child, true);
	dp_trap_flush(io, child->ike->conn);
}

void dp_child_down(void *io, struct child_sa *child)
{
	set_routes(io, child, false);
}

/* Reads the inner addresses of an IP packet. */
static bool packet_addrs(const uint8_t *pkt, size_t len, int *family,
			 const uint8_t **src, const uint8_t **dst)
{
	if (len >= 20 && pkt[0] >> 4 == 4) {
		*family = AF_INET;
		*src = pkt + 12;
		*dst = pkt + 16;
		return true;
	}
	if (len >= 40 && pkt[0] >> 4 == 6) {
		*family = AF_INET6;
		*src = pkt + 8;
		*dst = pkt + 24;
		return true;
	}
	return false;
}

/* A narrower range wins, as the longest prefix does. */
static bool narrower(const struct traffic_selector *a,
		     const struct traffic_selector *b)
{
	size_t n = ts_addr_len(a->type);
	for (size_t i = 0; i < n; i++) {
		uint8_t wa = a->start[i] ^ a->end[i];
		uint8_t wb = b->start[i] ^ b->end[i];
		if (wa != wb)
			return wa < wb;
	}
	return false;
}

static bool ts_list_contains(const struct traffic_selector *ts, size_t n,
			     int family, const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (ts_contains_addr(&ts[i], family, addr))
			return true;
	return false;
}

/*
 * Finds the CHILD_SA for a packet: its remote selectors must cover the
 * destination, the narrowest one winning, and its local selectors the
 * source.  *dst_only is set when some CHILD_SA covered the destination
 * but none the source.
 */
static struct child_sa *route_lookup(struct datapath *dp,
				     const struct dp_realm *realm, int family,
				     const uint8_t *src, const uint8_t *dst,
				     bool *dst_only)
{
	struct child_sa *best = NULL;
	const struct traffic_selector *best_ts = NULL;
	*dst_only = false;
	for (struct ike_sa *sa = dp->eng->sas; sa; sa = sa->next) {
		if (sa->conn->realm != realm->cfg ||
		    sa->state != IKE_STATE_ESTABLISHED)
			continue;
		for (struct child_sa *c = sa->children; c; c = c->next) {
			if (!c->installed || c->replaced || !c->out_ready)
				continue;
			for (size_t i = 0; i < c->n_remote_ts; i++) {
				const struct traffic_selector *t =
					&c->remote_ts[i];
				if (!ts_contains_addr(t, family, dst))
					continue;
				if (!ts_list_contains(c->local_ts,
						      c->n_local_ts, family,
						      src)) {
					*dst_only = true;
					continue;
				}
				if (!best_ts || narrower(t, best_ts)) {
					best = c;
					best_ts = t;
				}
			}
		}
	}
	return best;
}

/*
 * Responds to an inner packet too large for the tunnel.  The ICMP message
 * comes from the packet's destination: a source address of this host
 * would make the kernel drop it as a martian.
 */
static void send_too_big(struct datapath *dp, struct dp_realm *realm,
			 const uint8_t *pkt, size_t len, const uint8_t *dst,
			 unsigned mtu)
{
	uint8_t icmp[1280];
	size_t n = icmp_build_too_big(pkt, len, mtu, dst, icmp, sizeof(icmp));
	count(dp, DP_DROP_TOO_BIG);
	if (n && write(realm->tun_fd, icmp, n) < 0)
		log_limited(LOG_WARN, "tun", "writing ICMP to %s failed: %s",
			    realm->ifname, strerror(errno));
}

void dp_tun_input(struct datapath *dp, struct dp_realm *realm, uint8_t *pkt,
		  size_t len)
{
	int family;
	const uint8_t *src, *dst;
	if (!packet_addrs(pkt, len, &family, &src, &dst)) {
		count(dp, DP_DROP_SHORT);
		return;
	}
	bool dst_only;
	struct child_sa *c = route_lookup(dp, realm, family, src, dst,
					  &dst_only);
	if (!c && dst_only) {
		count(dp, DP_DROP_OUTSIDE_SELECTORS);
		return;
	}
	if (!c) {
		if (!dp_trap_packet(dp, realm, pkt, len, family, dst))
			count(dp, DP_DROP_NO_ROUTE);
		return;
	}

	const struct ike_sa *ike = c->ike;
	size_t outer = (ike->remote.ss_family == AF_INET ? 20 : 40) +
		       (ike->natt ? 8 : 0);
	size_t overhead = outer + esp_overhead(&c->out);
	unsigned path_mtu = realm->cfg->path_mtu;
	if (len + overhead > path_mtu && path_mtu > overhead) {
		bool df = family == AF_INET6 || (pkt[6] & 0x40);
		if (df) {
			send_too_big(dp, realm, pkt, len, dst,
				     (unsigned)(path_mtu - overhead));
			return;
		}
	}

	uint8_t out[DP_MAX_PACKET];
	size_t out_len;
	uint8_t nh = family == AF_INET ? 4 : 41;
	if (esp_encap(&c->out, pkt, len, nh, out, sizeof(out), &out_len) < 0)
		return; /* counted by esp_encap */
	if (dp_send_esp(dp, ike, out, out_len) < 0)
		count(dp, DP_DROP_SEND_FAILED);
}

void dp_esp_input(struct datapath *dp, uint8_t *pkt, size_t len,
		  const struct sockaddr_storage *from)
{
	uint32_t spi;
	if (!esp_peek_spi(pkt, len, &spi)) {
		count(dp, DP_DROP_SHORT);
		return;
	}
	struct child_sa *c = ike_engine_find_child(dp->eng, spi);
	if (!c) {
		count(dp, DP_DROP_UNKNOWN_SPI);
		return;
	}
	const uint8_t *inner;
	size_t inner_len;
	uint8_t nh;
	enum esp_drop reason;
	int err = esp_decap(&c->in, pkt, len, &inner, &inner_len, &nh, &reason);
	if (err == -ENODATA)
		return; /* a dummy packet (next header 59) */
	if (err < 0) {
		log_limited(LOG_INFO, "esp", "dropped ESP packet, SPI %08x: %s",
			    spi, esp_drop_name(reason));
		return;
	}
	struct dp_realm *realm = realm_of(dp, c->ike->conn->realm);
	if (realm && write(realm->tun_fd, inner, inner_len) < 0)
		log_limited(LOG_WARN, "tun", "writing to %s failed: %s",
			    realm->ifname, strerror(errno));
	(void)from;
}
