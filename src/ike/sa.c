// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/sa.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/secure.h"

const char *ike_state_name(enum ike_state s)
{
	switch (s) {
	case IKE_STATE_INIT_SENT:
		return "init-sent";
	case IKE_STATE_INIT_DONE:
		return "init-done";
	case IKE_STATE_AUTH_SENT:
		return "auth-sent";
	case IKE_STATE_ESTABLISHED:
		return "established";
	case IKE_STATE_DELETING:
		return "deleting";
	case IKE_STATE_DEAD:
		return "dead";
	}
	return "?";
}

void ike_log_line(const struct ike_sa *sa, enum log_level level,
		  const char *fmt, ...)
{
	char text[700], line[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	/* The caller has already applied the global and connection levels. */
	snprintf(line, sizeof(line), "%s %016" PRIx64 "_i %016" PRIx64 "_r: %s",
		 sa->conn ? sa->conn->name : "-", sa->spi_i, sa->spi_r, text);
	log_write(level, "ike", line);
}

struct ike_sa *ike_sa_new(struct cfg_conn *conn, bool initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->conn = conn;
	sa->initiator = initiator;
	if (conn) {
		sa->local = conn->local_addr;
		sa->remote = conn->remote_addr;
	}
	return sa;
}

void child_sa_free(struct child_sa *child)
{
	if (!child)
		return;
	esp_sa_clear(&child->in);
	esp_sa_clear(&child->out);
	secure_zero(child, sizeof(*child));
	free(child);
}

struct child_sa *child_sa_new(struct ike_sa *ike)
{
	struct child_sa *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->ike = ike;
	c->out_ready = true;
	return c;
}

void ike_pending_clear(struct ike_sa *sa)
{
	if (sa->pending.dh)
		crypto_default()->dh_free(sa->pending.dh);
	if (sa->pending.child)
		sa->pending.child->rekeying = false;
	secure_zero(&sa->pending, sizeof(sa->pending));
}

void ike_sa_free(struct ike_sa *sa)
{
	if (!sa)
		return;
	ike_pending_clear(sa);
	while (sa->children) {
		struct child_sa *c = sa->children;
		sa->children = c->next;
		child_sa_free(c);
	}
	const struct crypto_provider *p = crypto_default();
	if (sa->dh)
		p->dh_free(sa->dh);
	crypto_cipher_free(sa->sk_in);
	crypto_cipher_free(sa->sk_out);
	free(sa->cookie);
	free(sa->init_request);
	free(sa->init_response);
	free(sa->request);
	free(sa->response);
	secure_zero(sa, sizeof(*sa));
	free(sa);
}

int ike_store_message(uint8_t **slot, size_t *slot_len, const uint8_t *msg,
		      size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, msg, len);
	free(*slot);
	*slot = copy;
	*slot_len = len;
	return 0;
}

const uint8_t *sockaddr_addr(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)ss)
			->sin_addr;
	}
	*len = 16;
	return (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
}

uint16_t sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

void sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

bool sockaddr_same_host(const struct sockaddr_storage *a,
			const struct sockaddr_storage *b)
{
	size_t la, lb;
	if (a->ss_family != b->ss_family)
		return false;
	const uint8_t *pa = sockaddr_addr(a, &la);
	const uint8_t *pb = sockaddr_addr(b, &lb);
	return la == lb && memcmp(pa, pb, la) == 0;
}

void sockaddr_format(const struct sockaddr_storage *ss, char *buf,
		     size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	size_t alen;
	const uint8_t *a = sockaddr_addr(ss, &alen);
	inet_ntop(ss->ss_family, a, host, sizeof(host));
	if (ss->ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", host, sockaddr_port(ss));
	else
		snprintf(buf, len, "%s:%u", host, sockaddr_port(ss));
}
