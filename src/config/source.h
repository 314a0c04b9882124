/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading configuration text and running libconfig over it. */
#ifndef CREST_CONFIG_SOURCE_H
#define CREST_CONFIG_SOURCE_H

#include <libconfig.h>
#include <stddef.h>

#define SOURCE_TEXT_MAX (1u << 20)

/*
 * Reads the regular file open on fd, of at most SOURCE_TEXT_MAX bytes, into
 * a new NUL-terminated buffer.  Returns 0 or a negative errno with a message
 * naming path.  The caller frees *text (and wipes it first if it is secret).
 */
int source_read(int fd, const char *path, char **text, size_t *len, char *err,
                size_t errlen);

/*
 * Parses text with libconfig into lc, which the caller has initialised.
 * "@include" lines are rejected, because they would read files that the
 * permission checks never saw and let fuzz inputs open arbitrary paths.
 */
int source_parse(config_t *lc, const char *text, const char *name, char *err,
                 size_t errlen);

#endif
