/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CREST_UTIL_TIMEUTIL_H
#define CREST_UTIL_TIMEUTIL_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t now_ms(void);

#endif
