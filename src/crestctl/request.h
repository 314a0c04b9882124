/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The request crestctl sends for a command line. */
#ifndef CREST_CRESTCTL_REQUEST_H
#define CREST_CRESTCTL_REQUEST_H

#include <jansson.h>
#include <stddef.h>

/*
 * Builds the request for the command argv[0] and its arguments.  A name
 * crestctl does not know is sent as it is, without arguments, for
 * commands a newer crestd added.  Returns NULL with the usage error in
 * err, or NULL with err empty when an argument is not valid UTF-8 or
 * memory ran out.
 */
json_t *request_build(int argc, char **argv, char *err, size_t errlen);

#endif
