// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Socket I/O for crestctl.  Every step shares one deadline, so a daemon
 * that accepts but never responds, or sends one byte at a time, cannot
 * hold crestctl longer than CTL_TIMEOUT_MS.
 */
#include "crestctl/client.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int64_t deadline_ms;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before the deadline, at least 0. */
static int remaining_ms(void)
{
	int64_t left = deadline_ms - mono_ms();
	return left > 0 ? (int)left : 0;
}

static bool is_socket(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void connect_message(int rc, const char *path, char *err, size_t errlen)
{
	const char *why;
	switch (rc) {
	case -ENOENT:
		why = "no such socket; crestd is not running, or it was "
		      "started with another --control path";
		break;
	case -ECONNREFUSED:
		if (!is_socket(path)) {
			why = "the file is not a socket; pass the path crestd "
			      "was started with (--control)";
			break;
		}
		why = "connection refused; crestd is not running (the socket "
		      "file is left from an earlier run)";
		break;
	case -EACCES:
	case -EPERM:
		why = "permission denied; crestd may be running, but only "
		      "root and the group of crestd --control-group may use "
		      "its socket: run crestctl as root or as a member of "
		      "that group";
		break;
	case -EAGAIN:
	case -ETIMEDOUT:
		why = "timed out; crestd is running but did not accept the "
		      "connection within 5 s";
		break;
	default:
		snprintf(err, errlen, "cannot connect to %s: %s", path,
		         strerror(-rc));
		return;
	}
	snprintf(err, errlen, "cannot connect to %s: %s", path, why);
}

int ctl_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path %s is longer than %zu bytes",
		         path, sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	deadline_ms = mono_ms() + CTL_TIMEOUT_MS;

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a socket: %s",
		         strerror(errno));
		return -errno;
	}
	/* A blocking connect to a Unix socket waits only while the
	 * listener's backlog is full, and gives up after SO_SNDTIMEO. */
	struct timeval tv = {.tv_sec = CTL_TIMEOUT_MS / 1000};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int rc = -errno;
		close(fd);
		connect_message(rc, path, err, errlen);
		return rc;
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_request(int fd, const json_t *request)
{
	int left = remaining_ms();
	struct timeval tv = {.tv_sec = left / 1000,
	                     .tv_usec = (left % 1000) * 1000 + 1};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	char *text = json_dumps(request, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	size_t len = strlen(text);
	int rc = send_all(fd, text, len);
	rc = rc ?: send_all(fd, "\n", 1);
	free(text);
	return rc;
}

/* Reads up to the first newline; *line is NUL-terminated without it. */
static int read_line(int fd, char **line, size_t *len)
{
	size_t cap = 0, used = 0;
	char *buf = NULL;
	for (;;) {
		if (used + 4096 + 1 > cap) {
			if (cap >= CTL_MAX_RESPONSE) {
				free(buf);
				return -EMSGSIZE;
			}
			cap = cap ? cap * 2 : 65536;
			char *grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
		}

		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int ready = poll(&pfd, 1, remaining_ms());
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			free(buf);
			return ready == 0 ? -ETIMEDOUT : -errno;
		}

		ssize_t n = recv(fd, buf + used, cap - used - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = n == 0 ? -ECONNRESET : -errno;
			free(buf);
			return rc;
		}
		char *nl = memchr(buf + used, '\n', (size_t)n);
		used += (size_t)n;
		if (nl) {
			*nl = '\0';
			*line = buf;
			*len = (size_t)(nl - buf);
			return 0;
		}
	}
}

static void exchange_message(int rc, const char *path, char *err, size_t errlen)
{
	if (rc == -ETIMEDOUT)
		snprintf(err, errlen,
		         "crestd at %s sent no response within %d s", path,
		         CTL_TIMEOUT_MS / 1000);
	else if (rc == -ECONNRESET)
		snprintf(err, errlen,
		         "crestd at %s closed the connection without a "
		         "response",
		         path);
	else if (rc == -EMSGSIZE)
		snprintf(err, errlen,
		         "the response from crestd at %s is longer than %u "
		         "bytes",
		         path, CTL_MAX_RESPONSE);
	else
		snprintf(err, errlen, "request to crestd at %s failed: %s",
		         path, strerror(-rc));
}

int ctl_exchange(int fd, const char *path, const json_t *request,
                 json_t **response, char *err, size_t errlen)
{
	char *line = NULL;
	size_t len = 0;
	int rc = send_request(fd, request);
	rc = rc ?: read_line(fd, &line, &len);
	if (rc < 0) {
		exchange_message(rc, path, err, errlen);
		return rc;
	}

	json_error_t jerr;
	*response = json_loadb(line, len, 0, &jerr);
	free(line);
	if (!json_is_object(*response)) {
		json_decref(*response);
		*response = NULL;
		snprintf(err, errlen,
		         "crestd at %s sent an invalid response: %s", path,
		         jerr.text[0] ? jerr.text : "not a JSON object");
		return -EPROTO;
	}
	return 0;
}
