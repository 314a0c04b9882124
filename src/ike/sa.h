/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IKE SA and CHILD_SA state.  An IKE SA belongs to one connection of the
 * configuration; it owns its CHILD_SAs, whose ESP halves the data path uses.
 */
#ifndef CREST_IKE_SA_H
#define CREST_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config/config.h"
#include "crypto/crypto.h"
#include "esp/esp.h"
#include "util/log.h"
#include "wire/ike.h"

#define IKE_NONCE_LEN 32
#define IKE_MAX_MESSAGE 8192

enum ike_state {
	IKE_STATE_INIT_SENT,	 /* initiator: IKE_SA_INIT request sent */
	IKE_STATE_INIT_DONE,	 /* responder: IKE_SA_INIT response sent */
	IKE_STATE_AUTH_SENT,	 /* initiator: IKE_AUTH request sent */
	IKE_STATE_ESTABLISHED,
	IKE_STATE_DELETING,	 /* our Delete request is outstanding */
	IKE_STATE_DEAD,		 /* to be freed by the owner */
};

const char *ike_state_name(enum ike_state s);

/* The transforms an IKE SA or CHILD_SA agreed on. */
struct negotiated {
	uint16_t encr;
	uint16_t key_bits;
	uint16_t integ;
	uint16_t prf; /* IKE only */
	uint16_t dh;  /* IKE: the group; CHILD: PFS group or DH_NONE */
	uint16_t esn;
};

struct child_sa {
	struct ike_sa *ike;
	uint32_t spi_in;  /* ours, chosen by us */
	uint32_t spi_out; /* the peer's */
	struct negotiated alg;
	struct esp_sa in;
	struct esp_sa out;
	struct traffic_selector local_ts[IKE_MAX_TS];
	size_t n_local_ts;
	struct traffic_selector remote_ts[IKE_MAX_TS];
	size_t n_remote_ts;
	uint8_t cfg_index; /* its entry in ike->conn->children */
	bool installed;
	bool replaced;	   /* a rekey replaced it; outbound no longer used */
	bool rekeying;	   /* our rekey of it is under way */
	uint64_t rekey_ms; /* soft lifetime: rekey at this time */
	uint64_t expire_ms; /* hard lifetime: delete at this time */
	uint64_t retire_ms; /* replaced: remove the inbound half then */
	/* Responder of a rekey: the new SA carries no traffic out until the
	 * peer deletes the SA it replaces, whose inbound SPI is kept here. */
	bool out_ready;
	uint32_t replaces_spi;
	struct child_sa *next;
};

/* The CREATE_CHILD_SA or INFORMATIONAL task our outstanding request runs. */
enum ike_task {
	TASK_NONE,
	TASK_CHILD_REKEY,
	TASK_IKE_REKEY,
	TASK_CHILD_DELETE,
	TASK_CHILD_CREATE, /* a further CHILD_SA of the connection */
};

struct ike_pending {
	enum ike_task task;
	struct child_sa *child; /* rekeyed or deleted; NULL once it is gone */
	uint32_t child_spi;	/* its inbound SPI */
	uint8_t cfg_index;	/* the configured child of a CHILD_SA task */
	uint32_t spi;		/* our inbound SPI of the new CHILD_SA */
	uint64_t ike_spi;	/* our SPI of the new IKE SA */
	struct crypto_dh *dh;	/* PFS or IKE rekey key pair */
	uint16_t dh_group;
	uint8_t nonce[IKE_NONCE_LEN];
	size_t nonce_len;
};

struct ike_sa {
	struct cfg_conn *conn;
	bool initiator;
	/* Responder: when an SA still waiting for IKE_AUTH is dropped. */
	uint64_t half_open_until_ms;
	enum ike_state state;
	uint64_t spi_i;
	uint64_t spi_r;

	struct sockaddr_storage local;
	struct sockaddr_storage remote;
	bool natt;	  /* IKE and ESP use port 4500 with the marker */
	bool nat_local;	  /* we are behind a NAT */
	bool nat_remote;  /* the peer is behind a NAT */

	struct negotiated alg;
	struct crypto_dh *dh;
	uint8_t ni[IKE_NONCE_MAX];
	size_t ni_len;
	uint8_t nr[IKE_NONCE_MAX];
	size_t nr_len;
	uint8_t *cookie;
	size_t cookie_len;

	/* The IKE_SA_INIT messages, signed by the AUTH payloads. */
	uint8_t *init_request;
	size_t init_request_len;
	uint8_t *init_response;
	size_t init_response_len;

	uint8_t sk_d[CRYPTO_MAX_PRF_LEN];
	uint8_t sk_pi[CRYPTO_MAX_PRF_LEN];
	uint8_t sk_pr[CRYPTO_MAX_PRF_LEN];
	size_t prf_len;
	struct crypto_cipher *sk_in;  /* decrypts what the peer sends */
	struct crypto_cipher *sk_out; /* encrypts what we send */

	/* Our requests: one outstanding at a time (window size 1). */
	uint32_t next_request_id;
	uint8_t *request;
	size_t request_len;
	uint8_t request_exchange;
	uint64_t request_first_sent_ms;
	uint64_t request_next_ms;
	unsigned request_tries;

	/* The peer's requests: the next expected id and our last response. */
	uint32_t peer_next_id;
	uint8_t *response;
	size_t response_len;

	/* Initiator of a CHILD_SA in IKE_AUTH: our proposed inbound SPI and
	 * the configured child it sets up. */
	uint32_t pending_child_spi;
	uint8_t pending_child_cfg;
	/* Initiator: the configured children still to set up on this SA, one
	 * bit per index, each by CREATE_CHILD_SA once the SA is up. */
	uint32_t children_todo;

	struct ike_pending pending;
	/* The peer rekeyed the CHILD_SA we are rekeying (RFC 7296 2.8.1):
	 * which one, and the lower nonce of the peer's exchange. */
	struct {
		uint32_t old_spi; /* inbound SPI of the rekeyed CHILD_SA */
		uint8_t min_nonce[IKE_NONCE_MAX];
		size_t min_len;
	} collision;
	/* The peer rekeyed this IKE SA while we did (RFC 7296 2.8.2): the SPIs
	 * of the SA its exchange created and that exchange's lower nonce. */
	struct {
		uint64_t spi_i;
		uint64_t spi_r;
		uint8_t min_nonce[IKE_NONCE_MAX];
		size_t min_len;
	} ike_collision;
	uint64_t collisions; /* simultaneous rekeys seen */
	uint64_t reauth_ms; /* start a reauthentication then */
	/* A reauthentication: the SPIs of the IKE SA this one replaces. */
	uint64_t replaces_spi_i;
	uint64_t replaces_spi_r;
	uint64_t rekey_ms;  /* soft lifetime of the IKE SA */
	uint64_t expire_ms; /* hard lifetime */
	struct ike_sa *rekeyed_to; /* set once a rekey replaced this SA */

	struct child_sa *children;
	uint64_t keepalive_next_ms;
	uint64_t last_rx_ms;	    /* last authenticated message or ESP */
	uint64_t rx_packets_seen;  /* inbound ESP packets at last_rx_ms */
	uint64_t established_ms;
	/* Started by dpd_action or close_action restart: its failures restart
	 * it again, as those of an established SA do. */
	bool restarted;
	struct ike_sa *next;
};

/* Logs one line naming the connection and both SPIs. */
#define ike_log(sa, level, ...)                                              \
	do {                                                                 \
		if (log_get_level() >= (level) ||                            \
		    ((sa)->conn && (sa)->conn->log_level >= (int)(level)))   \
			ike_log_line(sa, level, __VA_ARGS__);                \
	} while (0)

void ike_log_line(const struct ike_sa *sa, enum log_level level,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct ike_sa *ike_sa_new(struct cfg_conn *conn, bool initiator);

/* The configured child that a CHILD_SA belongs to. */
static inline const struct cfg_child *child_cfg(const struct child_sa *child)
{
	return &child->ike->conn->children[child->cfg_index];
}

/* Clears the pending task and frees its key pair. */
void ike_pending_clear(struct ike_sa *sa);
void ike_sa_free(struct ike_sa *sa);
struct child_sa *child_sa_new(struct ike_sa *ike);
void child_sa_free(struct child_sa *child);

/* Replaces the stored copy of a message; returns 0 or -ENOMEM. */
int ike_store_message(uint8_t **slot, size_t *slot_len, const uint8_t *msg,
		      size_t len);

/* Formats an address with its port, for logs. */
void sockaddr_format(const struct sockaddr_storage *ss, char *buf,
		     size_t len);
uint16_t sockaddr_port(const struct sockaddr_storage *ss);
void sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port);
bool sockaddr_same_host(const struct sockaddr_storage *a,
			const struct sockaddr_storage *b);
/* Address bytes (4 or 16) and their length. */
const uint8_t *sockaddr_addr(const struct sockaddr_storage *ss, size_t *len);

#endif
