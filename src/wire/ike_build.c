// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Message builder core: the header, and payload headers whose next-payload
 * and length fields are filled in as the following payload starts and as
 * the current one ends.  The writer's sticky failed flag records any
 * overflow or misuse, and ike_build_finish() reports it by returning 0.
 */
#include "wire/ike.h"

#include <stdint.h>

#define IKE_VERSION_2_0         0x20
#define IKE_NEXT_PAYLOAD_OFFSET 16
#define IKE_LENGTH_OFFSET       24
#define IKE_CRITICAL            0x80

void ike_build_init(struct ike_builder *b, uint8_t *buf, size_t cap,
                    const struct ike_header *hdr)
{
	ike_chain_init(b, buf, cap);
	b->has_header = true;

	write_u64(&b->w, hdr->spi_i);
	write_u64(&b->w, hdr->spi_r);
	write_u8(&b->w, PL_NONE);
	write_u8(&b->w, IKE_VERSION_2_0);
	write_u8(&b->w, hdr->exchange);
	write_u8(&b->w, hdr->flags);
	write_u32(&b->w, hdr->msg_id);
	write_u32(&b->w, 0);
	if (!b->w.failed)
		b->next_field = buf + IKE_NEXT_PAYLOAD_OFFSET;
}

void ike_chain_init(struct ike_builder *b, uint8_t *buf, size_t cap)
{
	writer_init(&b->w, buf, cap);
	b->has_header = false;
	b->first_type = PL_NONE;
	b->next_field = NULL;
	b->payload_start = 0;
	b->payload_len = NULL;
}

bool ike_payload_begin(struct ike_builder *b, uint8_t type, bool critical)
{
	uint8_t *p;

	/* A payload still open would never get its length. */
	if (b->payload_len)
		b->w.failed = true;
	if (b->w.failed)
		return false;

	b->payload_start = b->w.off;
	if (!write_reserve(&b->w, &p, IKE_PAYLOAD_HEADER_LEN))
		return false;
	p[0] = PL_NONE;
	p[1] = critical ? IKE_CRITICAL : 0;
	p[2] = 0;
	p[3] = 0;

	if (b->next_field)
		*b->next_field = type;
	else
		b->first_type = type;
	b->next_field = p;
	b->payload_len = p + 2;
	return true;
}

void ike_payload_set_next(struct ike_builder *b, uint8_t next)
{
	if (b->payload_len && !b->w.failed)
		*b->next_field = next;
	else
		b->w.failed = true;
}

bool ike_payload_end(struct ike_builder *b)
{
	size_t len = b->w.off - b->payload_start;

	if (!b->payload_len || len > UINT16_MAX)
		b->w.failed = true;
	if (b->w.failed)
		return false;

	put_be16(b->payload_len, (uint16_t)len);
	b->payload_len = NULL;
	return true;
}

size_t ike_build_finish(struct ike_builder *b)
{
	if (b->payload_len || b->w.off > UINT32_MAX)
		b->w.failed = true;
	if (b->w.failed)
		return 0;

	if (b->has_header)
		put_be32(b->w.data + IKE_LENGTH_OFFSET, (uint32_t)b->w.off);
	return b->w.off;
}
