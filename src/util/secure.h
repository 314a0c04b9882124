/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CREST_UTIL_SECURE_H
#define CREST_UTIL_SECURE_H

#include <stdbool.h>
#include <stddef.h>

/* Overwrites a secret with zeros in a way the compiler cannot elide. */
void secure_zero(void *p, size_t n);
/* Compares two equal-length buffers in time independent of their contents. */
bool ct_equal(const void *a, const void *b, size_t n);
/* Fills buf with n bytes from the system's CSPRNG; returns 0 or -errno. */
int random_bytes(void *buf, size_t n);

#endif
