// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/rekey.h"

#include <errno.h>
#include <string.h>

#include "ike/engine_internal.h"
#include "util/secure.h"

static uint64_t jittered(uint64_t now, unsigned soft_ms, unsigned rand_ms)
{
	uint32_t jitter = 0;
	if (soft_ms == 0)
		return 0;
	if (rand_ms) {
		random_bytes(&jitter, sizeof(jitter));
		jitter %= rand_ms;
	}
	return now + (soft_ms > jitter ? soft_ms - jitter : soft_ms);
}

void rekey_set_ike_lifetimes(struct ike_engine *eng, struct ike_sa *sa)
{
	const struct cfg_conn *c = sa->conn;
	sa->rekey_ms = jittered(eng->now_ms, c->ike_rekey_ms, c->rand_ms);
	sa->reauth_ms = jittered(eng->now_ms, c->reauth_ms, c->rand_ms);
	sa->expire_ms = c->ike_life_ms ? eng->now_ms + c->ike_life_ms : 0;
}

static int start_task(struct ike_engine *eng, struct ike_sa *sa,
		      enum ike_task task, struct child_sa *child,
		      uint8_t exchange)
{
	if (sa->request || sa->pending.task != TASK_NONE ||
	    sa->state != IKE_STATE_ESTABLISHED)
		return -EBUSY;
	sa->pending.task = task;
	sa->pending.child = child;
	sa->pending.child_spi = child ? child->spi_in : 0;
	if (child)
		sa->pending.cfg_index = child->cfg_index;
	if (child && task == TASK_CHILD_REKEY)
		child->rekeying = true;
	int err = ike_send_request(eng, sa, exchange);
	if (err < 0)
		ike_pending_clear(sa);
	return err;
}

int rekey_start_child(struct ike_engine *eng, struct ike_sa *sa,
		      struct child_sa *child)
{
	return start_task(eng, sa, TASK_CHILD_REKEY, child, CREATE_CHILD_SA);
}

/* Whether a CHILD_SA of the configured child is up or being created. */
static bool child_present(const struct ike_sa *sa, uint8_t index)
{
	if (sa->pending.task == TASK_CHILD_CREATE &&
	    sa->pending.cfg_index == index)
		return true;
	for (const struct child_sa *c = sa->children; c; c = c->next)
		if (c->cfg_index == index && c->installed && !c->replaced)
			return true;
	return false;
}

int rekey_create_next_child(struct ike_engine *eng, struct ike_sa *sa)
{
	if (sa->request || sa->pending.task != TASK_NONE ||
	    sa->state != IKE_STATE_ESTABLISHED)
		return -EBUSY;
	for (uint8_t i = 0; i < sa->conn->n_children; i++) {
		if (!(sa->children_todo & (1u << i)))
			continue;
		sa->children_todo &= ~(1u << i);
		if (child_present(sa, i))
			continue;
		sa->pending.cfg_index = i;
		return start_task(eng, sa, TASK_CHILD_CREATE, NULL,
				  CREATE_CHILD_SA);
	}
	sa->children_todo = 0;
	return -ENOENT;
}

int rekey_want_children(struct ike_engine *eng, struct ike_sa *sa,
			uint32_t mask)
{
	uint32_t added = 0;
	for (uint8_t i = 0; i < sa->conn->n_children; i++)
		if ((mask & (1u << i)) && !(sa->children_todo & (1u << i)) &&
		    !child_present(sa, i) &&
		    !(sa->state == IKE_STATE_AUTH_SENT &&
		      sa->pending_child_cfg == i))
			added |= 1u << i;
	sa->children_todo |= added;
	if (added)
		rekey_create_next_child(eng, sa);
	return added ? 0 : -EALREADY;
}

int rekey_start_ike(struct ike_engine *eng, struct ike_sa *sa)
{
	return start_task(eng, sa, TASK_IKE_REKEY, NULL, CREATE_CHILD_SA);
}

int rekey_delete_children(struct ike_engine *eng, struct ike_sa *sa,
			  struct child_sa *child)
{
	return start_task(eng, sa, TASK_CHILD_DELETE, child, INFORMATIONAL);
}

/* Whether nonce a sorts before nonce b as octet strings. */
static bool nonce_less(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);
	return c < 0 || (c == 0 && alen < blen);
}

static void lower_nonce(const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			size_t nr_len, const uint8_t **out, size_t *out_len)
{
	bool i_lower = nonce_less(ni, ni_len, nr, nr_len);
	*out = i_lower ? ni : nr;
	*out_len = i_lower ? ni_len : nr_len;
}

void rekey_note_peer_rekey(struct ike_sa *sa, const struct child_sa *old,
			   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			   size_t nr_len)
{
	if (sa->pending.task != TASK_CHILD_REKEY ||
	    sa->pending.child_spi != old->spi_in)
		return;
	const uint8_t *low;
	size_t low_len;
	lower_nonce(ni, ni_len, nr, nr_len, &low, &low_len);
	sa->collision.old_spi = old->spi_in;
	memcpy(sa->collision.min_nonce, low, low_len);
	sa->collision.min_len = low_len;
	ike_log(sa, LOG_INFO,
		"simultaneous rekey of CHILD_SA %08x_i: the peer rekeys it too",
		old->spi_in);
}

void rekey_note_peer_ike_rekey(struct ike_sa *old, const struct ike_sa *theirs,
			       const uint8_t *ni, size_t ni_len,
			       const uint8_t *nr, size_t nr_len)
{
	if (old->pending.task != TASK_IKE_REKEY)
		return;
	const uint8_t *low;
	size_t low_len;
	lower_nonce(ni, ni_len, nr, nr_len, &low, &low_len);
	old->ike_collision.spi_i = theirs->spi_i;
	old->ike_collision.spi_r = theirs->spi_r;
	memcpy(old->ike_collision.min_nonce, low, low_len);
	old->ike_collision.min_len = low_len;
	ike_log(old, LOG_INFO, "simultaneous IKE SA rekey: the peer rekeys "
		"it too");
}

static struct ike_sa *find_by_spis(struct ike_engine *eng, uint64_t spi_i,
				   uint64_t spi_r)
{
	for (struct ike_sa *sa = eng->sas; sa; sa = sa->next)
		if (sa->spi_i == spi_i && sa->spi_r == spi_r &&
		    sa->state == IKE_STATE_ESTABLISHED)
			return sa;
	return NULL;
}

void rekey_ike_done(struct ike_engine *eng, struct ike_sa *old,
		    struct ike_sa *ours, const uint8_t *ni, size_t ni_len,
		    const uint8_t *nr, size_t nr_len)
{
	struct ike_sa *theirs =
		old->ike_collision.min_len
			? find_by_spis(eng, old->ike_collision.spi_i,
				       old->ike_collision.spi_r)
			: NULL;
	rekey_ike_switch(eng, old, ours);
	if (!theirs) {
		if (old->ike_collision.min_len) {
			/* The peer deleted its redundant SA already. */
			ours->collisions++;
			ike_log(ours, LOG_INFO, "simultaneous IKE SA rekey "
				"resolved: the peer's new IKE SA is redundant "
				"and gone");
			memset(&old->ike_collision, 0,
			       sizeof(old->ike_collision));
		}
		ike_sa_delete(eng, old);
		return;
	}

	const uint8_t *low;
	size_t low_len;
	lower_nonce(ni, ni_len, nr, nr_len, &low, &low_len);
	bool lost = nonce_less(low, low_len, old->ike_collision.min_nonce,
			       old->ike_collision.min_len);
	old->collisions++;
	memset(&old->ike_collision, 0, sizeof(old->ike_collision));
	ike_log(old, LOG_INFO, "simultaneous IKE SA rekey resolved: %s new "
		"IKE SA is redundant", lost ? "our" : "the peer's");
	if (lost) {
		/* The CHILD_SAs stay on the peer's SA; the peer deletes the
		 * old one, we delete ours. */
		theirs->collisions++;
		ike_sa_delete(eng, ours);
		return;
	}
	/* Ours survives: take the CHILD_SAs over; the peer deletes its SA.
	 * Our Delete of the old SA can reach the peer before its response
	 * does, and then it never learns that its SA is redundant: close
	 * that SA here if the peer has not deleted it in 3 s. */
	rekey_ike_switch(eng, theirs, ours);
	theirs->expire_ms = eng->now_ms + 3000;
	theirs->rekey_ms = 0;
	ours->collisions++;
	ike_sa_delete(eng, old);
}

void rekey_child_done(struct ike_engine *eng, struct ike_sa *sa,
		      uint32_t old_spi, struct child_sa *old,
		      struct child_sa *ours, const uint8_t *ni, size_t ni_len,
		      const uint8_t *nr, size_t nr_len)
{
	if (sa->collision.min_len && sa->collision.old_spi == old_spi) {
		const uint8_t *low;
		size_t low_len;
		lower_nonce(ni, ni_len, nr, nr_len, &low, &low_len);
		bool lost = nonce_less(low, low_len, sa->collision.min_nonce,
				       sa->collision.min_len);
		sa->collisions++;
		memset(&sa->collision, 0, sizeof(sa->collision));
		ike_log(sa, LOG_INFO,
			"simultaneous rekey of CHILD_SA %08x_i resolved: %s "
			"CHILD_SA is redundant",
			old_spi, lost ? "our new" : "the peer's new");
		if (lost) {
			/* The peer deletes the old SA; we delete ours. */
			ours->replaced = true;
			rekey_delete_children(eng, sa, ours);
			return;
		}
	}
	/* The peer may have deleted the old SA already. */
	if (!old)
		return;
	old->replaced = true;
	rekey_delete_children(eng, sa, old);
}

void rekey_ike_switch(struct ike_engine *eng, struct ike_sa *old,
		      struct ike_sa *sa)
{
	/* Append old's children: sa may hold some already. */
	struct child_sa **tail = &sa->children;
	while (*tail)
		tail = &(*tail)->next;
	*tail = old->children;
	old->children = NULL;
	sa->children_todo |= old->children_todo;
	old->children_todo = 0;
	for (struct child_sa *c = sa->children; c; c = c->next)
		c->ike = sa;
	old->rekeyed_to = sa;
	if (sa->state == IKE_STATE_ESTABLISHED)
		return; /* a collision moved the children between new SAs */
	sa->state = IKE_STATE_ESTABLISHED;
	sa->established_ms = eng->now_ms;
	sa->last_rx_ms = eng->now_ms;
	rekey_set_ike_lifetimes(eng, sa);
	ike_link_sa(eng, sa);
	ike_log(sa, LOG_INFO, "IKE SA rekeyed, replaces %016llx_i "
		"%016llx_r", (unsigned long long)old->spi_i,
		(unsigned long long)old->spi_r);
}

void child_remove(struct ike_engine *eng, struct ike_sa *sa,
		  struct child_sa *child)
{
	struct child_sa **pp = &sa->children;
	while (*pp && *pp != child)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = child->next;
	if (child->installed && eng->ops->child_down)
		eng->ops->child_down(eng->io, child);
	child->installed = false;

	/* The SA that a peer's rekey created takes over our output. */
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->replaces_spi == child->spi_in)
			c->out_ready = true;
	if (sa->pending.child == child)
		sa->pending.child = NULL;
	ike_log(sa, LOG_INFO, "CHILD_SA %08x_i %08x_o removed", child->spi_in,
		child->spi_out);
	child_sa_free(child);
}

static bool over(uint64_t value, unsigned limit)
{
	return limit && value >= limit;
}

static bool child_soft_due(const struct child_sa *c, uint64_t now)
{
	const struct cfg_conn *cf = c->ike->conn;
	uint64_t bytes = c->in.bytes + c->out.bytes;
	uint64_t packets = c->in.packets + c->out.packets;
	return (c->rekey_ms && now >= c->rekey_ms) ||
	       over(bytes, cf->child_rekey_bytes) ||
	       over(packets, cf->child_rekey_packets) ||
	       c->out.seq + ESP_SEQ_REKEY_MARGIN >= c->out.seq_max;
}

static bool child_hard_due(const struct child_sa *c, uint64_t now)
{
	const struct cfg_conn *cf = c->ike->conn;
	uint64_t bytes = c->in.bytes + c->out.bytes;
	uint64_t packets = c->in.packets + c->out.packets;
	return (c->expire_ms && now >= c->expire_ms) ||
	       over(bytes, cf->child_life_bytes) ||
	       over(packets, cf->child_life_packets);
}

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	return b && b < a ? b : a;
}

/* Retires replaced SAs and enforces hard limits; returns next deadline. */
static uint64_t child_timers(struct ike_engine *eng, struct ike_sa *sa)
{
	uint64_t next = UINT64_MAX, now = eng->now_ms;
	struct child_sa *c = sa->children;
	while (c) {
		struct child_sa *following = c->next;
		if (c->retire_ms && now >= c->retire_ms) {
			child_remove(eng, sa, c);
		} else if (!c->retire_ms && child_hard_due(c, now)) {
			ike_log(sa, LOG_INFO, "CHILD_SA %08x_i reached its "
				"hard lifetime", c->spi_in);
			if (!c->replaced && rekey_delete_children(eng, sa, c) == 0)
				c->replaced = true;
			else if (!c->replaced)
				child_remove(eng, sa, c);
		} else {
			next = min_deadline(next, c->retire_ms);
			next = min_deadline(next, c->expire_ms);
			if (!c->replaced && !c->rekeying)
				next = min_deadline(next, c->rekey_ms);
		}
		c = following;
	}
	return next;
}

/* Starts at most one rekey when the request slot is free. */
static void start_due_rekey(struct ike_engine *eng, struct ike_sa *sa)
{
	if (sa->request || sa->pending.task != TASK_NONE)
		return;
	if (sa->reauth_ms && eng->now_ms >= sa->reauth_ms) {
		sa->reauth_ms = 0;
		sa->rekey_ms = 0;
		rekey_reauthenticate(eng, sa);
		return;
	}
	if (sa->rekey_ms && eng->now_ms >= sa->rekey_ms) {
		sa->rekey_ms = 0;
		rekey_start_ike(eng, sa);
		return;
	}
	for (struct child_sa *c = sa->children; c; c = c->next) {
		if (!c->replaced && !c->rekeying && c->out_ready &&
		    child_soft_due(c, eng->now_ms)) {
			c->rekey_ms = 0;
			rekey_start_child(eng, sa, c);
			return;
		}
	}
	if (sa->children_todo)
		rekey_create_next_child(eng, sa);
}

uint64_t rekey_timers(struct ike_engine *eng, struct ike_sa *sa)
{
	if (sa->state != IKE_STATE_ESTABLISHED)
		return UINT64_MAX;
	if (sa->expire_ms && eng->now_ms >= sa->expire_ms) {
		ike_sa_kill(eng, sa, "hard lifetime reached");
		return UINT64_MAX;
	}
	uint64_t next = child_timers(eng, sa);
	start_due_rekey(eng, sa);
	next = min_deadline(next, sa->rekey_ms);
	next = min_deadline(next, sa->reauth_ms);
	return min_deadline(next, sa->expire_ms);
}

int rekey_reauthenticate(struct ike_engine *eng, struct ike_sa *old)
{
	struct ike_sa *sa = ike_sa_new(old->conn, true);
	if (!sa)
		return -ENOMEM;
	sa->spi_i = ike_random_spi();
	sa->replaces_spi_i = old->spi_i;
	sa->replaces_spi_r = old->spi_r;
	/* The new SA sets up the children that are up on the old one. */
	for (const struct child_sa *c = old->children; c; c = c->next)
		if (c->installed && !c->replaced)
			sa->children_todo |= 1u << c->cfg_index;
	sa->children_todo |= old->children_todo;
	if (!sa->children_todo)
		sa->children_todo = config_conn_start_mask(old->conn);
	sa->state = IKE_STATE_INIT_SENT;
	ike_link_sa(eng, sa);
	ike_log(old, LOG_INFO, "reauthenticating: setting up IKE SA "
		"%016llx_i to replace this one", (unsigned long long)sa->spi_i);
	int err = ike_send_request(eng, sa, IKE_SA_INIT);
	if (err < 0)
		ike_sa_kill(eng, sa, "cannot send IKE_SA_INIT");
	return err;
}

void rekey_reauth_done(struct ike_engine *eng, struct ike_sa *sa)
{
	struct ike_sa *old = find_by_spis(eng, sa->replaces_spi_i,
					  sa->replaces_spi_r);
	sa->replaces_spi_i = sa->replaces_spi_r = 0;
	if (!old)
		return;
	/* Traffic moves to the new CHILD_SAs before the old ones go. */
	for (struct child_sa *c = old->children; c; c = c->next)
		c->replaced = true;
	ike_log(old, LOG_INFO, "reauthenticated as %016llx_i %016llx_r, "
		"deleting this IKE SA", (unsigned long long)sa->spi_i,
		(unsigned long long)sa->spi_r);
	old->rekeyed_to = sa;
	if (ike_sa_delete(eng, old) < 0)
		ike_sa_kill(eng, old, "replaced by reauthentication");
}

void rekey_ike_peer_deleting(struct ike_engine *eng, struct ike_sa *sa)
{
	if (!sa->children)
		return;
	for (struct ike_sa *old = eng->sas; old; old = old->next) {
		if (old == sa || old->state != IKE_STATE_ESTABLISHED ||
		    old->pending.task != TASK_IKE_REKEY ||
		    old->ike_collision.spi_i != sa->spi_i ||
		    old->ike_collision.spi_r != sa->spi_r)
			continue;
		/* The peer lost the collision and deletes the SA its own
		 * exchange created, which took our CHILD_SAs when we responded to
		 * it.  They go back to the old SA, and from there to the SA our
		 * own rekey creates. */
		ike_log(sa, LOG_INFO, "peer deletes its redundant IKE SA: "
			"its CHILD_SAs wait for our rekey");
		rekey_ike_switch(eng, sa, old);
		return;
	}
}
