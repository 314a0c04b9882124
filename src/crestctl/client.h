/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crestctl's side of the control socket: one request, one response line. */
#ifndef CREST_CRESTCTL_CLIENT_H
#define CREST_CRESTCTL_CLIENT_H

#include <jansson.h>
#include <stddef.h>

#define CTL_TIMEOUT_MS   5000        /* connect, send and receive together */
#define CTL_MAX_RESPONSE (16u << 20) /* bytes of one response line */

/*
 * Connects to the control socket at path within the timeout.  Returns the
 * fd or a negative errno, with a message in err that names the path and
 * tells whether crestd appears to be running.
 */
int ctl_connect(const char *path, char *err, size_t errlen);

/*
 * Sends request as one line and reads one response line into *response.
 * Returns 0, -ETIMEDOUT when the daemon sends no response in time, or
 * another negative errno for a failed send or an invalid response, with a
 * message in err.
 */
int ctl_exchange(int fd, const char *path, const json_t *request,
                 json_t **response, char *err, size_t errlen);

#endif
