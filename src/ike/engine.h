/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The IKE engine: the table of IKE SAs, message dispatch (SPI lookup,
 * message IDs, decryption, the handler chain), requests with
 * retransmission, and the timers.  It does no I/O itself: the owner
 * supplies callbacks to send datagrams and to install CHILD_SAs.
 */
#ifndef CREST_IKE_ENGINE_H
#define CREST_IKE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config/config.h"
#include "config/secrets.h"
#include "esp/esp.h"
#include "ike/sa.h"

struct ike_engine_ops {
	/* Sends an IKE message, with the non-ESP marker when natt is set. */
	int (*send)(void *io, const struct sockaddr_storage *local,
		    const struct sockaddr_storage *remote, bool natt,
		    const uint8_t *msg, size_t len);
	/* Sends a NAT-T keepalive (RFC 3948 2.3). */
	void (*keepalive)(void *io, const struct ike_sa *sa);
	/*
	 * Computes the PSK AUTH value, prf(prf(PSK, "Key Pad for IKEv2"),
	 * octets), for the identities of sa's connection with sa's PRF into
	 * out (the PRF's output length).  own is true for the AUTH this side
	 * sends and false for the peer's expected one.  A process without
	 * secrets sets it.  When it is NULL the engine computes the value
	 * from its own secrets.  Returns 0, -ENOENT for no PSK, or another
	 * negative errno.
	 */
	int (*auth_psk)(void *io, const struct ike_sa *sa, bool own,
			const uint8_t *octets, size_t len, uint8_t *out);
	void (*child_up)(void *io, struct child_sa *child);
	void (*child_down)(void *io, struct child_sa *child);
};

/* Dropped or rejected IKE messages, by reason. */
enum ike_drop {
	IKE_DROP_MALFORMED,
	IKE_DROP_UNKNOWN_SPI,
	IKE_DROP_BAD_MESSAGE_ID,
	IKE_DROP_DECRYPT,
	IKE_DROP_UNEXPECTED,
	IKE_DROP_NO_CONNECTION,
	IKE_DROP_HALF_OPEN, /* too many IKE SAs awaiting IKE_AUTH */
	IKE_DROP_COUNT,
};

const char *ike_drop_name(enum ike_drop reason);

struct ike_engine {
	struct cfg *cfg;
	const struct secrets *secrets;
	const struct ike_engine_ops *ops;
	void *io;
	struct ike_sa *sas;
	struct esp_stats esp_stats;
	uint64_t ike_drops[IKE_DROP_COUNT];
	uint64_t now_ms; /* time of the event being handled */
	bool stopping;
	/* Connections whose next packet starts an IKE SA (start_action trap,
	 * or a failure with the hold action). */
	struct cfg_conn *held[64];
	size_t n_held;
};

/* A responder drops an IKE SA that IKE_AUTH does not follow within this
 * time, and keeps at most this many such SAs, per peer address and in
 * all. */
#define IKE_HALF_OPEN_MS 30000
#define IKE_HALF_OPEN_PER_PEER 16
#define IKE_HALF_OPEN_MAX 1024
/* A peer may set up at most this many CHILD_SAs on one IKE SA; further
 * requests get NO_ADDITIONAL_SAS.  Rekeys are not limited. */
#define IKE_MAX_CHILD_SAS 64

/* Whether a connection waits for traffic to start its IKE SA. */
bool ike_engine_conn_trapped(const struct ike_engine *eng,
			     const struct cfg_conn *conn);
/* Whether traffic for the child with this index starts it: the child has
 * start_action trap, or its connection is held after a failure. */
bool ike_engine_child_trapped(const struct ike_engine *eng,
			      const struct cfg_conn *conn, size_t index);
/*
 * Sets up a child of the connection for its traffic: on the connection's
 * IKE SA if one is up or being set up, else on a new one.  Returns
 * -EALREADY if that child is up or under way already.
 */
int ike_engine_trigger(struct ike_engine *eng, struct cfg_conn *conn,
		       size_t index);
/*
 * Closes an IKE SA and runs a configured action: restart it at once, hold
 * (restart on traffic), or nothing.
 */
void ike_sa_fail(struct ike_engine *eng, struct ike_sa *sa,
		 const char *reason, enum sa_action action);

/* Registers the core exchanges' handlers (once per process). */
void ike_engine_register_handlers(void);

void ike_engine_init(struct ike_engine *eng, struct cfg *cfg,
		     const struct secrets *secrets,
		     const struct ike_engine_ops *ops, void *io);
/* Sends a Delete for every established IKE SA and frees all SAs. */
void ike_engine_shutdown(struct ike_engine *eng);

/* Starts an IKE SA for a connection with the children that
 * config_conn_start_mask() names. */
int ike_engine_initiate(struct ike_engine *eng, struct cfg_conn *conn);
/*
 * Starts an IKE SA for a connection with the children whose bits mask
 * sets: the first in IKE_AUTH, the others by CREATE_CHILD_SA, one after
 * the other.
 */
int ike_engine_initiate_children(struct ike_engine *eng,
				 struct cfg_conn *conn, uint32_t mask);

/*
 * Handles one received IKE message (without the non-ESP marker).  from is
 * the sender, to our address; natt is set when it came on port 4500.
 */
void ike_engine_input(struct ike_engine *eng, uint8_t *msg, size_t len,
		      const struct sockaddr_storage *from,
		      const struct sockaddr_storage *to, bool natt);

/* Runs due timers; returns the next deadline in ms (UINT64_MAX: none). */
uint64_t ike_engine_run_timers(struct ike_engine *eng, uint64_t now);

/* Finds the CHILD_SA whose inbound SPI is spi. */
struct child_sa *ike_engine_find_child(struct ike_engine *eng, uint32_t spi);

/* Builds, seals and sends a request on sa, and arms retransmission. */
int ike_send_request(struct ike_engine *eng, struct ike_sa *sa,
		     uint8_t exchange);
/* Marks an SA dead, removes its children from the data path. */
void ike_sa_kill(struct ike_engine *eng, struct ike_sa *sa,
		 const char *reason);
/* Sends an INFORMATIONAL Delete for the IKE SA and waits for the response. */
int ike_sa_delete(struct ike_engine *eng, struct ike_sa *sa);

/* Logs every SA and the drop counters at info level. */
void ike_engine_log_status(struct ike_engine *eng);

#endif
