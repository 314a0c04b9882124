/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CHILD_SA negotiation inside IKE_AUTH: proposals and selectors. */
#ifndef CREST_IKE_CHILD_H
#define CREST_IKE_CHILD_H

#include "ike/handler.h"

struct child_keying;

/*
 * Responder: narrows the initiator's TSi and TSr to the child's selectors
 * into child; -1 if either is empty (TS_UNACCEPTABLE).
 */
int child_narrow_ts(const struct cfg_child *c, const struct ike_ts_payload *tsi,
		    const struct ike_ts_payload *tsr, struct child_sa *child);
/* Initiator: checks the responder's selectors lie inside the child's, and
 * keeps them in child; -1 if not. */
int child_accept_ts(const struct cfg_child *c, const struct ike_ts_payload *tsi,
		    const struct ike_ts_payload *tsr, struct child_sa *child);

/* The parts of a request for a CHILD_SA that pick its configured child. */
struct child_request {
	const struct ike_sa_payload *sa;
	const struct ike_ts_payload *tsi;
	const struct ike_ts_payload *tsr;
	bool allow_dh;	  /* CREATE_CHILD_SA: proposals may carry a group */
	uint16_t ke_group; /* the group of the KE payload, or 0 */
};

/*
 * Responder: picks the configured child of conn for a request, among the
 * indexes set in mask.  A child whose selectors contain the request's
 * wins over one that must narrow them, then the first in the file.  Fills
 * child (selectors, alg, cfg_index) and *chosen and returns 0, or returns
 * N_TS_UNACCEPTABLE if no child's selectors meet the request's, or
 * N_NO_PROPOSAL_CHOSEN if none of those accepts a proposal.
 */
uint16_t child_match(const struct cfg_conn *conn, uint32_t mask,
		     const struct child_request *rq, struct child_sa *child,
		     struct ike_proposal *chosen);

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
