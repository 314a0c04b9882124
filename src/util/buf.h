/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bounded reader and writer for wire formats.  Every getter consumes bytes
 * or fails without moving; a failed read or write also sets the sticky
 * `failed` flag, so a parser may run a sequence of reads and check once.
 * Lengths are size_t and multi-byte integers are big-endian.
 */
#ifndef CREST_UTIL_BUF_H
#define CREST_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reader {
	const uint8_t *data;
	size_t len;
	size_t off;
	bool failed;
};

struct writer {
	uint8_t *data;
	size_t cap;
	size_t off;
	bool failed;
};

void reader_init(struct reader *r, const void *data, size_t len);
size_t reader_left(const struct reader *r);
const uint8_t *reader_peek(const struct reader *r);
bool read_u8(struct reader *r, uint8_t *v);
bool read_u16(struct reader *r, uint16_t *v);
bool read_u32(struct reader *r, uint32_t *v);
bool read_u64(struct reader *r, uint64_t *v);
bool read_bytes(struct reader *r, void *out, size_t n);
/* Points *out at the next n bytes without copying them. */
bool read_ref(struct reader *r, const uint8_t **out, size_t n);
bool read_skip(struct reader *r, size_t n);
/* Splits the next n bytes off into their own reader. */
bool read_sub(struct reader *r, struct reader *sub, size_t n);

void writer_init(struct writer *w, void *data, size_t cap);
size_t writer_left(const struct writer *w);
bool write_u8(struct writer *w, uint8_t v);
bool write_u16(struct writer *w, uint16_t v);
bool write_u32(struct writer *w, uint32_t v);
bool write_u64(struct writer *w, uint64_t v);
bool write_bytes(struct writer *w, const void *data, size_t n);
bool write_zero(struct writer *w, size_t n);
/* Reserves n bytes to fill in later and points *out at them. */
bool write_reserve(struct writer *w, uint8_t **out, size_t n);

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return ((uint64_t)get_be32(p) << 32) | get_be32(p + 4);
}

#endif
