/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CREST_CRYPTO_DIGEST_H
#define CREST_CRYPTO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

/*
 * SHA-1 of data.  Only for NAT detection, whose hash RFC 7296 2.23 fixes
 * as SHA-1; it protects nothing, so SHA-1's weakness does not matter there.
 */
int crypto_sha1(const uint8_t *data, size_t len, uint8_t out[20]);

#endif
