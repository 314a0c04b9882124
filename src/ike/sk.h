/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Encrypted and Authenticated payload (SK, RFC 7296 3.14; AEAD per
 * RFC 5282).  The integrity check covers the message from the IKE header
 * to the end of the ciphertext; for AEAD the header and the SK payload
 * header are the associated data.
 */
#ifndef CREST_IKE_SK_H
#define CREST_IKE_SK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "wire/ike.h"

/*
 * Builds a whole message: hdr, then one SK payload that carries `plain`, a
 * payload chain whose first payload has type `first`.  Returns 0 or -errno.
 */
int sk_seal(struct crypto_cipher *c, const struct ike_header *hdr,
	    uint8_t first, const uint8_t *plain, size_t plain_len,
	    uint8_t *out, size_t cap, size_t *out_len);

/* sk_open's error for a message that decrypted and verified but whose
 * inner payload chain is malformed.  The peer sent it, so it gets an
 * INVALID_SYNTAX response (RFC 7296 2.21.2). */
#define SK_INNER_MALFORMED (-EILSEQ)

/*
 * Verifies and decrypts the SK payload of the parsed message m in place
 * (msg is the same bytes m was parsed from), then parses the inner payload
 * chain into m.  Returns -EBADMSG if the ICV does not verify or the
 * padding is invalid, or SK_INNER_MALFORMED for a malformed inner chain.
 */
int sk_open(struct crypto_cipher *c, uint8_t *msg, size_t len,
	    struct ike_message *m);

#endif
