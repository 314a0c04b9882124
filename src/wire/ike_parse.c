// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IKEv2 header and generic payload chain (RFC 7296 sections 3.1 and 3.2).
 * Typed payload bodies are validated separately, in ike_payloads.c and
 * ike_sa_parse.c.
 */
#include "wire/ike.h"

#include <errno.h>

#define IKE_MAJOR_VERSION 2
#define IKE_CRITICAL      0x80
#define IKE_HEADER_FLAGS                                                       \
	(IKE_FLAG_INITIATOR | IKE_FLAG_VERSION | IKE_FLAG_RESPONSE)

int ike_parse_header(const uint8_t *msg, size_t len, struct ike_header *hdr)
{
	struct reader r;

	if (len < IKE_HEADER_LEN)
		return -EBADMSG;

	reader_init(&r, msg, len);
	read_u64(&r, &hdr->spi_i);
	read_u64(&r, &hdr->spi_r);
	read_u8(&r, &hdr->next_payload);
	read_u8(&r, &hdr->version);
	read_u8(&r, &hdr->exchange);
	read_u8(&r, &hdr->flags);
	read_u32(&r, &hdr->msg_id);
	read_u32(&r, &hdr->length);
	if (r.failed)
		return -EBADMSG;

	/* RFC 7296 3.1: reserved flag bits are ignored on receipt. */
	hdr->flags &= IKE_HEADER_FLAGS;

	if (hdr->length != len)
		return -EBADMSG;
	if (hdr->version >> 4 != IKE_MAJOR_VERSION)
		return -EPROTONOSUPPORT;
	return 0;
}

int ike_parse_message(const uint8_t *msg, size_t len, struct ike_message *m)
{
	int err;

	m->n_payloads = 0;
	m->sk_first = PL_NONE;
	m->unsupported_critical = PL_NONE;

	err = ike_parse_header(msg, len, &m->hdr);
	if (err < 0)
		return err;
	return ike_parse_chain(m->hdr.next_payload, msg + IKE_HEADER_LEN,
	                       len - IKE_HEADER_LEN, IKE_HEADER_LEN, m);
}

static bool ike_payload_known(uint8_t type)
{
	return (type >= PL_SA && type <= PL_EAP) || type == PL_SKF;
}

static bool ike_payload_encrypted(uint8_t type)
{
	return type == PL_SK || type == PL_SKF;
}

int ike_parse_chain(uint8_t first, const uint8_t *data, size_t len, size_t base,
                    struct ike_message *m)
{
	struct reader r;
	uint8_t type = first;

	m->n_payloads = 0;
	m->sk_first = PL_NONE;
	m->unsupported_critical = PL_NONE;
	reader_init(&r, data, len);

	while (type != PL_NONE) {
		size_t start = r.off;
		uint8_t next, flags;
		uint16_t plen;
		const uint8_t *body;

		if (!read_u8(&r, &next) || !read_u8(&r, &flags) ||
		    !read_u16(&r, &plen))
			return -EBADMSG;
		if (plen < IKE_PAYLOAD_HEADER_LEN ||
		    !read_ref(&r, &body, plen - IKE_PAYLOAD_HEADER_LEN))
			return -EBADMSG;

		if (!ike_payload_known(type)) {
			/* RFC 7296 2.5: skip unless marked critical. */
			if (flags & IKE_CRITICAL) {
				m->unsupported_critical = type;
				return -EPROTO;
			}
			type = next;
			continue;
		}

		if (m->n_payloads == IKE_MAX_PAYLOADS)
			return -E2BIG;
		m->payloads[m->n_payloads++] = (struct ike_payload){
		        .type = type,
		        .critical = flags & IKE_CRITICAL,
		        .body = body,
		        .len = plen - IKE_PAYLOAD_HEADER_LEN,
		        .offset = base + start,
		};

		if (ike_payload_encrypted(type)) {
			/* The next-payload field of SK names the first
			 * payload inside it, so SK ends the chain. */
			m->sk_first = next;
			break;
		}
		type = next;
	}

	if (reader_left(&r) != 0)
		return -EBADMSG;
	return 0;
}

const struct ike_payload *ike_find(const struct ike_message *m, uint8_t type)
{
	for (size_t i = 0; i < m->n_payloads; i++)
		if (m->payloads[i].type == type)
			return &m->payloads[i];
	return NULL;
}
