// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for the IKEv2 parsers: the whole message, every typed payload
 * of a parsed message, and the payload chain inside an SK payload as if it
 * had been decrypted.  Besides crashes it traps when a parsed payload points
 * outside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "wire/ike.h"

#define NON_ESP_MARKER_LEN 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bounds(const struct ike_payload *p, const uint8_t *data,
                         size_t size, size_t base)
{
	if (p->body < data || p->len > size ||
	    (size_t)(p->body - data) > size - p->len)
		abort();
	if (p->offset - base + IKE_PAYLOAD_HEADER_LEN !=
	    (size_t)(p->body - data))
		abort();
}

static void parse_typed(const struct ike_payload *p)
{
	static struct ike_sa_payload sa;
	struct ike_ke ke;
	struct ike_notify notify;
	struct ike_id id;
	struct ike_auth auth;
	struct ike_ts_payload ts;
	struct ike_delete del;

	switch (p->type) {
	case PL_SA:
		ike_parse_sa(p->body, p->len, &sa);
		break;
	case PL_KE:
		ike_parse_ke(p->body, p->len, &ke);
		break;
	case PL_IDI:
	case PL_IDR:
		ike_parse_id(p->body, p->len, &id);
		break;
	case PL_AUTH:
		ike_parse_auth(p->body, p->len, &auth);
		break;
	case PL_NONCE:
		ike_parse_nonce(p->body, p->len);
		break;
	case PL_NOTIFY:
		ike_parse_notify(p->body, p->len, &notify);
		break;
	case PL_TSI:
	case PL_TSR:
		ike_parse_ts(p->body, p->len, &ts);
		break;
	case PL_DELETE:
		ike_parse_delete(p->body, p->len, &del);
		break;
	default:
		break;
	}
}

/* Parses the body of an SK payload as the plaintext chain it encrypts. */
static void parse_inner(const struct ike_message *m)
{
	static struct ike_message inner;
	const struct ike_payload *sk = &m->payloads[m->n_payloads - 1];
	size_t base = sk->offset + IKE_PAYLOAD_HEADER_LEN;

	if (ike_parse_chain(m->sk_first, sk->body, sk->len, base, &inner) < 0)
		return;
	for (size_t i = 0; i < inner.n_payloads; i++) {
		check_bounds(&inner.payloads[i], sk->body, sk->len, base);
		parse_typed(&inner.payloads[i]);
	}
}

static void parse_message(const uint8_t *data, size_t size)
{
	static struct ike_message m;

	if (ike_parse_message(data, size, &m) < 0)
		return;
	for (size_t i = 0; i < m.n_payloads; i++) {
		check_bounds(&m.payloads[i], data, size, 0);
		parse_typed(&m.payloads[i]);
	}
	if (m.n_payloads > 0) {
		uint8_t last = m.payloads[m.n_payloads - 1].type;

		if (last == PL_SK || last == PL_SKF)
			parse_inner(&m);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_message(data, size);

	/* Port 4500 puts four zero bytes before an IKE message. */
	if (size >= NON_ESP_MARKER_LEN && data[0] == 0 && data[1] == 0 &&
	    data[2] == 0 && data[3] == 0)
		parse_message(data + NON_ESP_MARKER_LEN,
		              size - NON_ESP_MARKER_LEN);
	return 0;
}
