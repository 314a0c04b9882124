/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hex decoding for the crypto known-answer tests. */
#ifndef CREST_TEST_CRYPTO_HEX_H
#define CREST_TEST_CRYPTO_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline int hex_nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Decodes hex (whitespace ignored) into out.  Returns the byte count, or
 * 0 on an invalid digit, an odd digit count or more than cap bytes.
 */
static inline size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int high = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex == ' ' || *hex == '\n' || *hex == '\t')
			continue;
		v = hex_nibble(*hex);
		if (v < 0)
			return 0;
		if (high < 0) {
			high = v;
			continue;
		}
		if (n == cap)
			return 0;
		out[n++] = (uint8_t)(high << 4 | v);
		high = -1;
	}
	return high < 0 ? n : 0;
}

#endif
