// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/secure.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

void secure_zero(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

bool ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int random_bytes(void *buf, size_t n)
{
	if (n > 0x7fffffff)
		return -EINVAL;
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -EIO;
}
