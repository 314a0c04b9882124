/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CHILD_SA negotiation inside IKE_AUTH: proposals and selectors. */
#ifndef CREST_IKE_CHILD_H
#define CREST_IKE_CHILD_H

#include "ike/handler.h"

struct child_keying;

/*
 * Responder: narrows the initiator's TSi and TSr to the connection's
 * selectors into child; -1 if either is empty (TS_UNACCEPTABLE).
 */
int child_narrow_ts(const struct cfg_conn *c, const struct ike_ts_payload *tsi,
		    const struct ike_ts_payload *tsr, struct child_sa *child);
/* Initiator: checks the responder's selectors lie inside ours, and keeps
 * them in child; -1 if not. */
int child_accept_ts(const struct cfg_conn *c, const struct ike_ts_payload *tsi,
		    const struct ike_ts_payload *tsr, struct child_sa *child);

/* A random inbound SPI above the reserved range 1-255. */
uint32_t child_random_spi(void);

/*
 * Derives a new CHILD_SA's keys, sets its lifetimes and links it into sa
 * and the data path.  Frees child on failure.
 */
int child_install(struct ike_engine *eng, struct ike_sa *sa,
		  struct child_sa *child, const struct child_keying *k);

/* Initiator: adds SA, TSi and TSr for the connection's CHILD_SA. */
int child_add_request(struct ike_ctx *ctx);
/* Responder: selects a proposal, narrows selectors, installs the SA. */
enum handler_status child_request_in(struct ike_ctx *ctx);
/* Initiator: checks the responder's choice and installs the SA. */
enum handler_status child_response_in(struct ike_ctx *ctx);

/*
 * Narrows the peer's selectors to the intersection with ours; returns the
 * number of resulting selectors (0: TS_UNACCEPTABLE).
 */
size_t ts_narrow(const struct traffic_selector *theirs, size_t n_theirs,
		 const struct traffic_selector *ours, size_t n_ours,
		 struct traffic_selector *out, size_t cap);
/* Whether every selector of `sub` lies inside one of `outer`. */
bool ts_all_within(const struct traffic_selector *sub, size_t n_sub,
		   const struct traffic_selector *outer, size_t n_outer);

#endif
