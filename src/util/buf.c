// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/buf.h"

#include <string.h>

void reader_init(struct reader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = data ? len : 0;
	r->off = 0;
	r->failed = false;
}

size_t reader_left(const struct reader *r)
{
	return r->len - r->off;
}

const uint8_t *reader_peek(const struct reader *r)
{
	return r->data + r->off;
}

static bool reader_take(struct reader *r, const uint8_t **p, size_t n)
{
	if (r->failed || n > reader_left(r)) {
		r->failed = true;
		return false;
	}
	*p = r->data + r->off;
	r->off += n;
	return true;
}

bool read_u8(struct reader *r, uint8_t *v)
{
	const uint8_t *p;
	if (!reader_take(r, &p, 1))
		return false;
	*v = p[0];
	return true;
}

bool read_u16(struct reader *r, uint16_t *v)
{
	const uint8_t *p;
	if (!reader_take(r, &p, 2))
		return false;
	*v = get_be16(p);
	return true;
}

bool read_u32(struct reader *r, uint32_t *v)
{
	const uint8_t *p;
	if (!reader_take(r, &p, 4))
		return false;
	*v = get_be32(p);
	return true;
}

bool read_u64(struct reader *r, uint64_t *v)
{
	const uint8_t *p;
	if (!reader_take(r, &p, 8))
		return false;
	*v = get_be64(p);
	return true;
}

bool read_bytes(struct reader *r, void *out, size_t n)
{
	const uint8_t *p;
	if (!reader_take(r, &p, n))
		return false;
	if (n)
		memcpy(out, p, n);
	return true;
}

bool read_ref(struct reader *r, const uint8_t **out, size_t n)
{
	return reader_take(r, out, n);
}

bool read_skip(struct reader *r, size_t n)
{
	const uint8_t *p;
	return reader_take(r, &p, n);
}

bool read_sub(struct reader *r, struct reader *sub, size_t n)
{
	const uint8_t *p;
	if (!reader_take(r, &p, n)) {
		reader_init(sub, NULL, 0);
		sub->failed = true;
		return false;
	}
	reader_init(sub, p, n);
	return true;
}

void writer_init(struct writer *w, void *data, size_t cap)
{
	w->data = data;
	w->cap = data ? cap : 0;
	w->off = 0;
	w->failed = false;
}

size_t writer_left(const struct writer *w)
{
	return w->cap - w->off;
}

bool write_reserve(struct writer *w, uint8_t **out, size_t n)
{
	if (w->failed || n > writer_left(w)) {
		w->failed = true;
		return false;
	}
	*out = w->data + w->off;
	w->off += n;
	return true;
}

bool write_u8(struct writer *w, uint8_t v)
{
	uint8_t *p;
	if (!write_reserve(w, &p, 1))
		return false;
	p[0] = v;
	return true;
}

bool write_u16(struct writer *w, uint16_t v)
{
	uint8_t *p;
	if (!write_reserve(w, &p, 2))
		return false;
	put_be16(p, v);
	return true;
}

bool write_u32(struct writer *w, uint32_t v)
{
	uint8_t *p;
	if (!write_reserve(w, &p, 4))
		return false;
	put_be32(p, v);
	return true;
}

bool write_u64(struct writer *w, uint64_t v)
{
	uint8_t *p;
	if (!write_reserve(w, &p, 8))
		return false;
	put_be64(p, v);
	return true;
}

bool write_bytes(struct writer *w, const void *data, size_t n)
{
	uint8_t *p;
	if (!write_reserve(w, &p, n))
		return false;
	if (n)
		memcpy(p, data, n);
	return true;
}

bool write_zero(struct writer *w, size_t n)
{
	uint8_t *p;
	if (!write_reserve(w, &p, n))
		return false;
	memset(p, 0, n);
	return true;
}
