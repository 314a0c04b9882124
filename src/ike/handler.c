// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/handler.h"

#include <errno.h>
#include <string.h>

#define MAX_HANDLERS 64

static const struct ike_handler *handlers[MAX_HANDLERS];
static size_t n_handlers;

int ike_handler_register(const struct ike_handler *h)
{
	if (n_handlers >= MAX_HANDLERS)
		return -ENOSPC;

	/* Insert sorted by order; equal orders keep registration order. */
	size_t i = n_handlers;
	while (i > 0 && handlers[i - 1]->order > h->order) {
		handlers[i] = handlers[i - 1];
		i--;
	}
	handlers[i] = h;
	n_handlers++;
	return 0;
}

void ike_handlers_reset(void)
{
	n_handlers = 0;
}

enum handler_status ike_handlers_run(uint8_t exchange, enum ike_dir dir,
				     struct ike_ctx *ctx)
{
	for (size_t i = 0; i < n_handlers; i++) {
		const struct ike_handler *h = handlers[i];
		if (h->exchange != exchange || h->dir != dir)
			continue;
		enum handler_status st = h->run(ctx);
		if (st != H_CONTINUE) {
			if (st == H_ERROR)
				ike_log(ctx->sa, LOG_DEBUG,
					"handler %s failed", h->name);
			return st;
		}
	}
	return H_CONTINUE;
}

enum handler_status ike_ctx_fail(struct ike_ctx *ctx, uint16_t notify)
{
	ctx->notify = notify;
	return H_ERROR;
}

const struct ike_payload *ike_find_notify(const struct ike_message *m,
					  uint16_t type,
					  struct ike_notify *out)
{
	for (size_t i = 0; i < m->n_payloads; i++) {
		const struct ike_payload *p = &m->payloads[i];
		if (p->type != PL_NOTIFY)
			continue;
		if (ike_parse_notify(p->body, p->len, out) == 0 &&
		    out->type == type)
			return p;
	}
	return NULL;
}

uint16_t ike_first_error(const struct ike_message *m, struct ike_notify *out)
{
	for (size_t i = 0; i < m->n_payloads; i++) {
		const struct ike_payload *p = &m->payloads[i];
		if (p->type == PL_NOTIFY &&
		    ike_parse_notify(p->body, p->len, out) == 0 &&
		    out->type < 16384)
			return out->type;
	}
	return 0;
}
