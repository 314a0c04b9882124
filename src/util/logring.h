/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The last LOGRING_LINES log lines in memory, for crestctl log.  log_write
 * copies every line it writes here, so the ring holds what the log level
 * let through and, like the log, never a key or PSK.
 *
 * NOTE: the ring has no lock; it relies on crestd logging from one thread.
 */
#ifndef CREST_UTIL_LOGRING_H
#define CREST_UTIL_LOGRING_H

#include <stddef.h>

#define LOGRING_LINES    1000
#define LOGRING_LINE_MAX 1024 /* bytes of one line with its NUL */

/* Stores a copy of one line, truncated to LOGRING_LINE_MAX - 1 bytes, in
 * place of the oldest line once the ring is full. */
void logring_add(const char *line);

/* Number of lines stored, at most LOGRING_LINES. */
size_t logring_count(void);

/* Line i of the stored lines, 0 the oldest; NULL if i >= logring_count(). */
const char *logring_line(size_t i);

/* Drops every stored line. */
void logring_clear(void);

#endif
