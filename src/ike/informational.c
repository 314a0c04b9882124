// SPDX-License-Identifier: LGPL-2.1-or-later
/* INFORMATIONAL (RFC 7296 1.4): deletes and empty liveness requests. */
#include "ike/exchanges.h"

#include <string.h>

#include "ike/engine.h"
#include "ike/rekey.h"

static enum handler_status delete_request_out(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	if (sa->pending.task == TASK_CHILD_DELETE && sa->pending.child) {
		uint8_t spi[4];
		put_be32(spi, sa->pending.child->spi_in);
		ike_log(sa, LOG_INFO, "sending Delete for CHILD_SA %08x_i",
			sa->pending.child->spi_in);
		return ike_add_delete(ctx->out, PROTO_ESP, 4, spi, 1)
			       ? H_CONTINUE
			       : H_ERROR;
	}
	if (sa->state != IKE_STATE_DELETING)
		return H_CONTINUE; /* an empty liveness check */
	ike_log(ctx->sa, LOG_INFO, "sending Delete for the IKE SA");
	if (!ike_add_delete(ctx->out, PROTO_IKE, 0, NULL, 0))
		return H_ERROR;
	return H_CONTINUE;
}

/* Removes our CHILD_SAs whose outbound SPI the peer deletes. */
static void delete_children(struct ike_ctx *ctx, const struct ike_delete *d,
			    uint8_t *spis_out, uint16_t *n_out)
{
	struct ike_sa *sa = ctx->sa;
	for (uint16_t i = 0; i < d->n_spis; i++) {
		uint32_t spi = get_be32(d->spis + 4u * i);
		struct child_sa *c = sa->children;
		while (c && c->spi_out != spi)
			c = c->next;
		if (!c)
			continue;
		ike_log(sa, LOG_INFO, "peer deleted CHILD_SA %08x_o", spi);
		/* Our own Delete of it crossed the peer's, so the response names the
		 * SPI only once, as RFC 7296 1.4.1 describes. */
		if (*n_out < 64 && !c->retire_ms)
			put_be32(spis_out + 4u * (*n_out)++, c->spi_in);
		child_remove(ctx->eng, sa, c);
	}
}

/*
 * The peer won a simultaneous IKE SA rekey and deleted the old SA before
 * our own rekey of it completed: the peer's new SA is the one that stays.
 */
static void note_lost_collision(struct ike_sa *sa)
{
	if (!sa->ike_collision.min_len || !sa->rekeyed_to)
		return;
	sa->rekeyed_to->collisions++;
	memset(&sa->ike_collision, 0, sizeof(sa->ike_collision));
	ike_log(sa, LOG_INFO, "simultaneous IKE SA rekey resolved: the peer "
		"deleted the old IKE SA first, its new one stays");
}

static enum handler_status info_request_in(struct ike_ctx *ctx)
{
	uint8_t spis[64 * 4];
	uint16_t n_spis = 0;

	for (size_t i = 0; i < ctx->in->n_payloads; i++) {
		const struct ike_payload *p = &ctx->in->payloads[i];
		struct ike_delete d;
		if (p->type != PL_DELETE ||
		    ike_parse_delete(p->body, p->len, &d) < 0)
			continue;
		if (d.protocol == PROTO_IKE) {
			ike_log(ctx->sa, LOG_INFO, "peer deleted the IKE SA");
			note_lost_collision(ctx->sa);
			rekey_ike_peer_deleting(ctx->eng, ctx->sa);
			ctx->delete_sa = true;
			return H_DONE; /* the response is empty */
		}
		if (d.protocol == PROTO_ESP && d.spi_len == 4)
			delete_children(ctx, &d, spis, &n_spis);
	}
	if (n_spis &&
	    !ike_add_delete(ctx->out, PROTO_ESP, 4, spis, n_spis))
		return H_ERROR;
	return H_CONTINUE;
}

static enum handler_status info_response_in(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sa;
	if (sa->pending.task == TASK_CHILD_DELETE) {
		/* The old inbound SA still takes packets already in flight. */
		if (sa->pending.child)
			sa->pending.child->retire_ms =
				ctx->eng->now_ms + REKEY_GRACE_MS;
		ike_pending_clear(sa);
		return H_CONTINUE;
	}
	if (ctx->sa->state == IKE_STATE_DELETING) {
		ike_log(ctx->sa, LOG_INFO, "peer confirmed the Delete");
		ctx->delete_sa = true;
	}
	return H_CONTINUE;
}

static const struct ike_handler info_handlers[] = {
	{ "delete_request", INFORMATIONAL, DIR_REQUEST_OUT, 10,
	  delete_request_out },
	{ "info_respond", INFORMATIONAL, DIR_REQUEST_IN, 10, info_request_in },
	{ "info_response", INFORMATIONAL, DIR_RESPONSE_IN, 10,
	  info_response_in },
};

void informational_register(void)
{
	for (size_t i = 0; i < sizeof(info_handlers) / sizeof(info_handlers[0]);
	     i++)
		ike_handler_register(&info_handlers[i]);
}
