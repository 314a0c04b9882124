// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Typed payload bodies other than SA (RFC 7296 3.4 to 3.13).  Each parser
 * checks every length before it returns pointers into the body.
 */
#include "wire/ike.h"

#include <errno.h>
#include <string.h>

#define TS_HEADER_LEN 8

int ike_parse_ke(const uint8_t *body, size_t len, struct ike_ke *out)
{
	struct reader r;

	reader_init(&r, body, len);
	read_u16(&r, &out->group);
	read_skip(&r, 2);
	if (r.failed || reader_left(&r) == 0)
		return -EBADMSG;
	out->len = reader_left(&r);
	out->data = reader_peek(&r);
	return 0;
}

int ike_parse_notify(const uint8_t *body, size_t len, struct ike_notify *out)
{
	struct reader r;

	reader_init(&r, body, len);
	read_u8(&r, &out->protocol);
	read_u8(&r, &out->spi_len);
	read_u16(&r, &out->type);
	if (r.failed || out->spi_len > IKE_MAX_SPI_LEN)
		return -EBADMSG;
	if (!read_ref(&r, &out->spi, out->spi_len))
		return -EBADMSG;
	out->len = reader_left(&r);
	out->data = reader_peek(&r);
	return 0;
}

/* Type or method byte, 3 reserved bytes, then at least one byte of data. */
static int parse_typed_data(const uint8_t *body, size_t len, uint8_t *type,
                            const uint8_t **data, size_t *data_len)
{
	struct reader r;

	reader_init(&r, body, len);
	read_u8(&r, type);
	read_skip(&r, 3);
	if (r.failed || reader_left(&r) == 0)
		return -EBADMSG;
	*data_len = reader_left(&r);
	*data = reader_peek(&r);
	return 0;
}

int ike_parse_id(const uint8_t *body, size_t len, struct ike_id *out)
{
	return parse_typed_data(body, len, &out->type, &out->data, &out->len);
}

int ike_parse_auth(const uint8_t *body, size_t len, struct ike_auth *out)
{
	return parse_typed_data(body, len, &out->method, &out->data, &out->len);
}

int ike_parse_nonce(const uint8_t *body, size_t len)
{
	if (len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
		return -EBADMSG;
	return 0;
}

/*
 * Reads one selector.  Returns 1 for an address range stored in ts, 0 for
 * a selector of another type that was skipped, or -EBADMSG.  Neither
 * ports nor addresses are checked for start <= end, because RFC 7296
 * 3.13.1 gives start 65535 and end 0 the meaning OPAQUE.
 */
static int parse_selector(struct reader *r, struct traffic_selector *ts)
{
	uint8_t type, proto;
	uint16_t len;
	size_t addr_len;

	if (!read_u8(r, &type) || !read_u8(r, &proto) || !read_u16(r, &len))
		return -EBADMSG;
	if (len < 4)
		return -EBADMSG;

	addr_len = ts_addr_len(type);
	if (addr_len == 0)
		return read_skip(r, len - 4) ? 0 : -EBADMSG;
	if (len != TS_HEADER_LEN + 2 * addr_len)
		return -EBADMSG;

	memset(ts, 0, sizeof(*ts));
	ts->type = type;
	ts->ip_proto = proto;
	read_u16(r, &ts->start_port);
	read_u16(r, &ts->end_port);
	read_bytes(r, ts->start, addr_len);
	read_bytes(r, ts->end, addr_len);
	return r->failed ? -EBADMSG : 1;
}

int ike_parse_ts(const uint8_t *body, size_t len, struct ike_ts_payload *out)
{
	struct reader r;
	uint8_t count;

	out->n = 0;
	reader_init(&r, body, len);
	read_u8(&r, &count);
	read_skip(&r, 3);
	if (r.failed)
		return -EBADMSG;

	for (unsigned i = 0; i < count; i++) {
		struct traffic_selector ts;
		int stored = parse_selector(&r, &ts);

		if (stored < 0)
			return stored;
		if (!stored)
			continue;
		if (out->n == IKE_MAX_TS)
			return -E2BIG;
		out->ts[out->n++] = ts;
	}

	if (reader_left(&r) != 0)
		return -EBADMSG;
	return 0;
}

int ike_parse_delete(const uint8_t *body, size_t len, struct ike_delete *out)
{
	struct reader r;

	reader_init(&r, body, len);
	read_u8(&r, &out->protocol);
	read_u8(&r, &out->spi_len);
	read_u16(&r, &out->n_spis);
	if (r.failed)
		return -EBADMSG;

	switch (out->protocol) {
	case PROTO_IKE:
		/* Deleting the IKE SA names no SPI: the header has both. */
		if (out->spi_len != 0 || out->n_spis != 0)
			return -EBADMSG;
		break;
	case PROTO_AH:
	case PROTO_ESP:
		if (out->spi_len != 4)
			return -EBADMSG;
		break;
	default:
		return -EBADMSG;
	}

	/* At most 65535 * 4 bytes, so the product cannot overflow. */
	size_t spis_len = (size_t)out->n_spis * out->spi_len;

	if (reader_left(&r) != spis_len)
		return -EBADMSG;
	out->spis = reader_peek(&r);
	return 0;
}
