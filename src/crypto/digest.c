// SPDX-License-Identifier: LGPL-2.1-or-later
#include "crypto/digest.h"

#include <errno.h>
#include <openssl/evp.h>

int crypto_sha1(const uint8_t *data, size_t len, uint8_t out[20])
{
	unsigned int n = 0;
	if (EVP_Digest(data, len, out, &n, EVP_sha1(), NULL) != 1 || n != 20)
		return -EIO;
	return 0;
}
