/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The secrets file: PSKs keyed by the pair of identities.  The file must not
 * be readable or writable by group or others.  Values are wiped on free.
 */
#ifndef CREST_CONFIG_SECRETS_H
#define CREST_CONFIG_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct psk_entry {
	struct cfg_identity local_id;
	struct cfg_identity remote_id;
	uint8_t *key;
	size_t key_len;
};

struct secrets {
	struct psk_entry *psks;
	size_t n_psks;
};

/*
 * Loads the secrets file.  Rejects (-EPERM) a file whose mode grants any
 * permission to group or others, with a message naming the file, its mode
 * and the chmod that fixes it.  Other errors name the file and line.
 */
int secrets_load(const char *path, struct secrets *out, char *err,
                 size_t errlen);
int secrets_load_string(const char *text, const char *name, struct secrets *out,
                        char *err, size_t errlen);
/* Finds the PSK for a pair of identities; NULL if none. */
const struct psk_entry *secrets_find_psk(const struct secrets *s,
                                         const struct cfg_identity *local,
                                         const struct cfg_identity *remote);
/*
 * Writes into out a warning for the n-th connection (counting from 0) of
 * cfg that has no PSK for its pair of identities: "connection NAME has no
 * PSK for LOCAL_ID and REMOTE_ID in FILE; it cannot authenticate".
 * Returns false when fewer than n + 1 connections lack one.
 */
bool secrets_missing_psk(const struct cfg *cfg, const struct secrets *s,
                         size_t n, char *out, size_t outlen);
void secrets_free(struct secrets *s);

#endif
