// SPDX-License-Identifier: LGPL-2.1-or-later
/* Encoders for the typed payloads, the inverse of the typed parsers. */
#include "wire/ike.h"

#include <stdint.h>

#define PROPOSAL_MORE      2
#define TRANSFORM_MORE     3
#define ATTR_KEY_LENGTH_TV 0x800e
#define TS_HEADER_LEN      8

static bool fail(struct ike_builder *b)
{
	b->w.failed = true;
	return false;
}

static void put_transform(struct writer *w, const struct ike_transform *t,
                          bool last)
{
	write_u8(w, last ? 0 : TRANSFORM_MORE);
	write_u8(w, 0);
	write_u16(w, t->key_bits ? 12 : 8);
	write_u8(w, t->type);
	write_u8(w, 0);
	write_u16(w, t->id);
	if (t->key_bits) {
		write_u16(w, ATTR_KEY_LENGTH_TV);
		write_u16(w, t->key_bits);
	}
}

static bool put_proposal(struct writer *w, const struct ike_proposal *p,
                         bool last)
{
	size_t start = w->off;
	uint8_t *len;

	if (p->spi_len > IKE_MAX_SPI_LEN || p->n_transforms > UINT8_MAX)
		return false;

	write_u8(w, last ? 0 : PROPOSAL_MORE);
	write_u8(w, 0);
	if (!write_reserve(w, &len, 2))
		return false;
	write_u8(w, p->num);
	write_u8(w, p->protocol);
	write_u8(w, p->spi_len);
	write_u8(w, (uint8_t)p->n_transforms);
	write_bytes(w, p->spi, p->spi_len);
	for (size_t i = 0; i < p->n_transforms; i++)
		put_transform(w, &p->transforms[i], i + 1 == p->n_transforms);

	if (w->failed || w->off - start > UINT16_MAX)
		return false;
	put_be16(len, (uint16_t)(w->off - start));
	return true;
}

bool ike_add_sa(struct ike_builder *b, const struct ike_proposal *p, size_t n)
{
	if (n == 0 || !ike_payload_begin(b, PL_SA, false))
		return fail(b);
	for (size_t i = 0; i < n; i++)
		if (!put_proposal(&b->w, &p[i], i + 1 == n))
			return fail(b);
	return ike_payload_end(b);
}

bool ike_add_ke(struct ike_builder *b, uint16_t group, const uint8_t *data,
                size_t len)
{
	if (!ike_payload_begin(b, PL_KE, false))
		return false;
	write_u16(&b->w, group);
	write_u16(&b->w, 0);
	write_bytes(&b->w, data, len);
	return ike_payload_end(b);
}

bool ike_add_nonce(struct ike_builder *b, const uint8_t *nonce, size_t len)
{
	if (!ike_payload_begin(b, PL_NONCE, false))
		return false;
	write_bytes(&b->w, nonce, len);
	return ike_payload_end(b);
}

bool ike_add_notify(struct ike_builder *b, uint8_t protocol, const uint8_t *spi,
                    size_t spi_len, uint16_t type, const uint8_t *data,
                    size_t len)
{
	if (spi_len > IKE_MAX_SPI_LEN)
		return fail(b);
	if (!ike_payload_begin(b, PL_NOTIFY, false))
		return false;
	write_u8(&b->w, protocol);
	write_u8(&b->w, (uint8_t)spi_len);
	write_u16(&b->w, type);
	write_bytes(&b->w, spi, spi_len);
	write_bytes(&b->w, data, len);
	return ike_payload_end(b);
}

/* Type or method byte, 3 reserved bytes, data: the ID and AUTH layout. */
static bool add_typed_data(struct ike_builder *b, uint8_t payload, uint8_t type,
                           const uint8_t *data, size_t len)
{
	if (!ike_payload_begin(b, payload, false))
		return false;
	write_u8(&b->w, type);
	write_zero(&b->w, 3);
	write_bytes(&b->w, data, len);
	return ike_payload_end(b);
}

bool ike_add_id(struct ike_builder *b, uint8_t type, uint8_t id_type,
                const uint8_t *data, size_t len)
{
	if (type != PL_IDI && type != PL_IDR)
		return fail(b);
	return add_typed_data(b, type, id_type, data, len);
}

bool ike_add_auth(struct ike_builder *b, uint8_t method, const uint8_t *data,
                  size_t len)
{
	return add_typed_data(b, PL_AUTH, method, data, len);
}

bool ike_add_ts(struct ike_builder *b, uint8_t type,
                const struct traffic_selector *ts, size_t n)
{
	if ((type != PL_TSI && type != PL_TSR) || n > UINT8_MAX)
		return fail(b);
	if (!ike_payload_begin(b, type, false))
		return false;
	write_u8(&b->w, (uint8_t)n);
	write_zero(&b->w, 3);
	for (size_t i = 0; i < n; i++) {
		size_t addr_len = ts_addr_len(ts[i].type);

		if (addr_len == 0)
			return fail(b);
		write_u8(&b->w, ts[i].type);
		write_u8(&b->w, ts[i].ip_proto);
		write_u16(&b->w, (uint16_t)(TS_HEADER_LEN + 2 * addr_len));
		write_u16(&b->w, ts[i].start_port);
		write_u16(&b->w, ts[i].end_port);
		write_bytes(&b->w, ts[i].start, addr_len);
		write_bytes(&b->w, ts[i].end, addr_len);
	}
	return ike_payload_end(b);
}

bool ike_add_delete(struct ike_builder *b, uint8_t protocol, uint8_t spi_len,
                    const uint8_t *spis, uint16_t n_spis)
{
	if (!ike_payload_begin(b, PL_DELETE, false))
		return false;
	write_u8(&b->w, protocol);
	write_u8(&b->w, spi_len);
	write_u16(&b->w, n_spis);
	write_bytes(&b->w, spis, (size_t)spi_len * n_spis);
	return ike_payload_end(b);
}
