// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ike/natd.h"

#include <string.h>

#include "crypto/digest.h"
#include "ike/sa.h"
#include "util/buf.h"

int natd_hash(uint64_t spi_i, uint64_t spi_r,
	      const struct sockaddr_storage *addr, uint8_t out[NATD_HASH_LEN])
{
	uint8_t buf[8 + 8 + 16 + 2];
	size_t alen;
	const uint8_t *a = sockaddr_addr(addr, &alen);

	put_be64(buf, spi_i);
	put_be64(buf + 8, spi_r);
	memcpy(buf + 16, a, alen);
	put_be16(buf + 16 + alen, sockaddr_port(addr));
	return crypto_sha1(buf, 16 + alen + 2, out);
}
