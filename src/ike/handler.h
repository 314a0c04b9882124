/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The message-handler chain.  Each exchange has one ordered chain per
 * direction; the core exchanges and every extension (NAT-T, later cookies,
 * fragmentation, ...) register handlers on it.  A handler reads the received
 * message, adds payloads to the message being built, and returns whether
 * the chain goes on.
 */
#ifndef CREST_IKE_HANDLER_H
#define CREST_IKE_HANDLER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike/sa.h"
#include "wire/ike.h"

struct ike_engine;

enum ike_dir {
	DIR_REQUEST_OUT, /* building a request we send */
	DIR_REQUEST_IN,	 /* processing a request, building the response */
	DIR_RESPONSE_IN, /* processing the response to our request */
	DIR_COUNT,
};

enum handler_status {
	H_CONTINUE, /* run the next handler */
	H_DONE,	    /* the exchange is handled; skip the rest */
	H_PENDING,  /* waiting for an asynchronous result */
	H_ERROR,    /* failed; ctx->notify may name the error to send */
};

struct ike_ctx {
	struct ike_engine *eng;
	struct ike_sa *sa;
	const struct ike_message *in;	/* NULL when building a request */
	struct ike_builder *out;	/* payloads of the message we build */
	const struct sockaddr_storage *from; /* of the received message */
	const struct sockaddr_storage *to;
	uint16_t notify;	  /* error notify for the response */
	uint8_t notify_data[2];	  /* its data (INVALID_KE_PAYLOAD group) */
	size_t notify_data_len;
	bool delete_sa;		  /* remove the IKE SA after this exchange */
};

struct ike_handler {
	const char *name;
	uint8_t exchange;
	enum ike_dir dir;
	int order; /* lower runs first */
	enum handler_status (*run)(struct ike_ctx *ctx);
};

/* Adds a handler; the table has room for 64.  Returns 0 or -ENOSPC. */
int ike_handler_register(const struct ike_handler *h);
/* Runs the chain for one exchange and direction. */
enum handler_status ike_handlers_run(uint8_t exchange, enum ike_dir dir,
				     struct ike_ctx *ctx);
/* Removes every handler (tests). */
void ike_handlers_reset(void);

/* Sets the error notify for the response and returns H_ERROR. */
enum handler_status ike_ctx_fail(struct ike_ctx *ctx, uint16_t notify);

/* Iterates notifies of one type in a received message. */
const struct ike_payload *ike_find_notify(const struct ike_message *m,
					  uint16_t type,
					  struct ike_notify *out);
/* First error notify (type < 16384) in a message, or 0. */
uint16_t ike_first_error(const struct ike_message *m, struct ike_notify *out);

#endif
