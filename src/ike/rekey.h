/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rekeying and lifetimes: starting CHILD_SA and IKE SA rekeys when a soft
 * limit is reached, switching to the new SAs, resolving simultaneous
 * rekeys, and deleting what a rekey or a hard limit retires.
 */
#ifndef CREST_IKE_REKEY_H
#define CREST_IKE_REKEY_H

#include <stdint.h>

#include "ike/handler.h"

/* How long a replaced inbound SA keeps accepting packets. */
#define REKEY_GRACE_MS 2000
/* Rekey an outbound SA this many packets before its sequence numbers run
 * out, so the new SA is up before the old one must stop. */
#define ESP_SEQ_REKEY_MARGIN 65536

int rekey_start_child(struct ike_engine *eng, struct ike_sa *sa,
		      struct child_sa *child);
int rekey_start_ike(struct ike_engine *eng, struct ike_sa *sa);

/*
 * Starts a CREATE_CHILD_SA for the next child in sa->children_todo that is
 * not up yet, taking it off the list.  Returns 0, -EBUSY while another
 * exchange runs, or -ENOENT when the list is done.
 */
int rekey_create_next_child(struct ike_engine *eng, struct ike_sa *sa);
/*
 * Adds the children in mask that are neither up nor under way to the list
 * of sa and starts the first when it can.  Returns -EALREADY if there
 * was none.
 */
int rekey_want_children(struct ike_engine *eng, struct ike_sa *sa,
			uint32_t mask);
/* Sends a Delete for the CHILD_SAs whose inbound SPIs are given. */
int rekey_delete_children(struct ike_engine *eng, struct ike_sa *sa,
			  struct child_sa *child);

/*
 * Reauthentication, make-before-break: sets up a new IKE SA with its
 * CHILD_SAs (IKE_SA_INIT and IKE_AUTH, without INITIAL_CONTACT) and deletes
 * `old` once the new one is up.
 */
int rekey_reauthenticate(struct ike_engine *eng, struct ike_sa *old);
/* Called when a reauthenticating IKE SA is up: deletes the old one. */
void rekey_reauth_done(struct ike_engine *eng, struct ike_sa *sa);

/* Sets the IKE SA's soft and hard lifetimes from now. */
void rekey_set_ike_lifetimes(struct ike_engine *eng, struct ike_sa *sa);

/* Responder: records the peer's rekey of `old` if we are rekeying it too. */
void rekey_note_peer_rekey(struct ike_sa *sa, const struct child_sa *old,
			   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			   size_t nr_len);
/* Responder: records the peer's IKE SA rekey if we are rekeying it too. */
void rekey_note_peer_ike_rekey(struct ike_sa *old, const struct ike_sa *theirs,
			       const uint8_t *ni, size_t ni_len,
			       const uint8_t *nr, size_t nr_len);

/*
 * Initiator: our rekey of `old` created `ours`.  Switches to it and
 * deletes old, unless the peer rekeyed old too: then the new SA of the
 * exchange with the lowest nonce is redundant and its creator deletes it
 * (RFC 7296 2.8.2), and the CHILD_SAs end on the surviving one.
 */
void rekey_ike_done(struct ike_engine *eng, struct ike_sa *old,
		    struct ike_sa *ours, const uint8_t *ni, size_t ni_len,
		    const uint8_t *nr, size_t nr_len);

/*
 * Initiator: our rekey of the CHILD_SA with inbound SPI old_spi created
 * `ours`; old is that SA, or NULL if the peer deleted it meanwhile.  Marks
 * old replaced and deletes it, unless the peer rekeyed old too and our exchange has the
 * lowest nonce (RFC 7296 2.8.1); then ours is the redundant one.
 */
void rekey_child_done(struct ike_engine *eng, struct ike_sa *sa,
		      uint32_t old_spi, struct child_sa *old,
		      struct child_sa *ours, const uint8_t *ni, size_t ni_len,
		      const uint8_t *nr, size_t nr_len);

/*
 * Called before an IKE SA the peer deleted is closed: if it is the peer's
 * redundant SA from a simultaneous rekey, moves its CHILD_SAs back to the
 * old SA whose rekey of ours is still running.
 */
void rekey_ike_peer_deleting(struct ike_engine *eng, struct ike_sa *sa);

/* Moves old's CHILD_SAs to its replacement and makes that one current. */
void rekey_ike_switch(struct ike_engine *eng, struct ike_sa *old,
		      struct ike_sa *sa);

/* Handles the response to our CREATE_CHILD_SA request. */
enum handler_status rekey_response_in(struct ike_ctx *ctx);

/* Runs lifetime and grace timers of one SA; returns its next deadline. */
uint64_t rekey_timers(struct ike_engine *eng, struct ike_sa *sa);

/* Removes a CHILD_SA from its IKE SA and the data path, and frees it. */
void child_remove(struct ike_engine *eng, struct ike_sa *sa,
		  struct child_sa *child);

#endif
