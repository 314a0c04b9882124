// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The control socket server.  Every fd is non-blocking and level-triggered
 * in the daemon's epoll set.  A client is watched for EPOLLIN while it has
 * no response pending and for EPOLLOUT only while one is, so a client that
 * sends requests without reading the responses cannot make the daemon spin
 * or buffer without limit.
 */
#include "mgmt/control.h"

#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmt/control_commands.h"
#include "util/log.h"
#include "util/timeutil.h"

/* Bytes read and thrown away after a too long request, before closing. */
#define CONTROL_DRAIN_MAX 65536

enum client_phase {
	CLIENT_OPEN,     /* reading requests */
	CLIENT_CLOSING,  /* the peer sent EOF: close once out is written */
	CLIENT_DRAINING, /* after a too long request: write out, then read
	                  * and discard until EOF */
};

struct control_client {
	int fd;
	char in[CONTROL_MAX_REQUEST + 1]; /* + 1 for the newline at EOF */
	size_t in_len;
	char *out; /* responses not yet written */
	size_t out_len;
	size_t out_off;
	enum client_phase phase;
	size_t discarded; /* bytes thrown away while draining */
	uint64_t active_ms; /* now_ms() of its last event */
	struct control_client *next;
};

/* A full set of clients makes room for a new one by closing the one idle
 * longest, if it has been idle this long. */
#define CLIENT_IDLE_MS 5000

/* Creates the parent folder (one level, mode 0755) if it is missing. */
static int make_parent(const char *path)
{
	char copy[sizeof(((struct sockaddr_un *)0)->sun_path)];
	snprintf(copy, sizeof(copy), "%s", path);
	const char *dir = dirname(copy);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ? -errno
	                                                               : 0;
	close(fd);
	return rc;
}

/*
 * Removes a socket file that no process listens on any more.  A live
 * socket means another daemon uses this path, and a file of another type
 * is not ours to delete.
 */
static int remove_stale(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;

	int rc = connect_unix(path);
	if (rc == 0)
		return -EADDRINUSE;
	if (rc != -ECONNREFUSED)
		return rc;
	log_info("control", "removing stale socket %s", path);
	return unlink(path) < 0 ? -errno : 0;
}

/*
 * Gives the socket file its group and final mode, before listen.  Until
 * listen runs, every connect fails, and the file is 0600 until chmod, so
 * only the owner could ever connect before the group gets access.
 */
static int set_access(const char *path, gid_t group)
{
	mode_t mode = 0600;
	if (group != CONTROL_NO_GROUP) {
		if (chown(path, (uid_t)-1, group) < 0)
			return -errno;
		mode = 0660;
	}
	return chmod(path, mode) < 0 ? -errno : 0;
}

static int bind_listen(const char *path, gid_t group)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;

	/* The umask makes bind create the file at 0600, with no window in
	 * which another user could connect. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = set_access(path, group);
	if (rc == 0 && listen(fd, CONTROL_MAX_CLIENTS) < 0)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		unlink(path);
		return rc;
	}
	return fd;
}

static const char *open_error_text(int rc)
{
	switch (rc) {
	case -EADDRINUSE:
		return "another crestd listens on it";
	case -EEXIST:
		return "the file exists and is not a socket; remove it or "
		       "choose another --control path";
	case -ENAMETOOLONG:
		return "the path is longer than a Unix socket address allows";
	default:
		return strerror(-rc);
	}
}

int control_open(struct control *ctl, const char *path,
                 const struct control_ctx *ctx)
{
	return control_open_group(ctl, path, CONTROL_NO_GROUP, ctx);
}

int control_open_group(struct control *ctl, const char *path, gid_t group,
                       const struct control_ctx *ctx)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->listen_fd = -1;
	ctl->epfd = -1;
	ctl->ctx = *ctx;

	int rc = strlen(path) < sizeof(ctl->path) ? 0 : -ENAMETOOLONG;
	rc = rc ?: make_parent(path);
	rc = rc ?: remove_stale(path);
	rc = rc ?: bind_listen(path, group);
	if (rc < 0) {
		log_error("control",
		          "failed to create the control socket %s: %s", path,
		          open_error_text(rc));
		return rc;
	}
	ctl->listen_fd = rc;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	if (group == CONTROL_NO_GROUP)
		log_info("control", "listening on %s", path);
	else
		log_info("control", "listening on %s, mode 0660, group ID %u",
		         path, (unsigned)group);
	return 0;
}

int control_adopt(struct control *ctl, int fd, const struct control_ctx *ctx)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->ctx = *ctx;
	ctl->epfd = -1;
	ctl->listen_fd = fd;
	/* The path stays empty: the process that bound it removes it. */
	ctl->adopted = fd >= 0;
	return fd >= 0 ? 0 : -EBADF;
}

int control_watch(struct control *ctl, int epfd, uint64_t tag)
{
	if (ctl->listen_fd < 0)
		return 0;

	struct epoll_event ev = {.events = EPOLLIN,
	                         .data.u64 = tag | (uint32_t)ctl->listen_fd};
	ctl->epfd = epfd;
	ctl->tag = tag;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, ctl->listen_fd, &ev) < 0 ? -errno
	                                                               : 0;
}

/* Whether the input buffer contains a complete request line. */
static bool has_line(const struct control_client *c)
{
	return memchr(c->in, '\n', c->in_len) != NULL;
}

static int client_set_events(struct control *ctl, struct control_client *c,
                             int op)
{
	/* Buffered lines wait for a writable event, which comes at once. */
	bool pending = c->out_off < c->out_len || has_line(c);
	struct epoll_event ev = {.events = pending ? EPOLLOUT : EPOLLIN,
	                         .data.u64 = ctl->tag | (uint32_t)c->fd};
	return epoll_ctl(ctl->epfd, op, c->fd, &ev) < 0 ? -errno : 0;
}

static void client_free(struct control *ctl, struct control_client *c)
{
	struct control_client **pp = &ctl->clients;
	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	ctl->n_clients--;
	if (ctl->epfd >= 0)
		epoll_ctl(ctl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	free(c);
}

/* Closes the client idle longest if it has been idle CLIENT_IDLE_MS, so
 * that clients that connect and send nothing cannot lock crestctl out. */
static void evict_idle(struct control *ctl)
{
	struct control_client *oldest = NULL;
	for (struct control_client *c = ctl->clients; c; c = c->next)
		if (!oldest || c->active_ms < oldest->active_ms)
			oldest = c;
	if (oldest && now_ms() - oldest->active_ms >= CLIENT_IDLE_MS) {
		log_limited(LOG_INFO, "control",
		            "closed a client idle for %llu ms to make room",
		            (unsigned long long)(now_ms() - oldest->active_ms));
		client_free(ctl, oldest);
	}
}

static void accept_one(struct control *ctl, int fd)
{
	if (ctl->n_clients >= CONTROL_MAX_CLIENTS)
		evict_idle(ctl);
	if (ctl->n_clients >= CONTROL_MAX_CLIENTS) {
		log_limited(LOG_WARN, "control",
		            "rejected a client: %d clients are connected",
		            CONTROL_MAX_CLIENTS);
		close(fd);
		return;
	}
	struct control_client *c = calloc(1, sizeof(*c));
	if (!c) {
		log_limited(LOG_WARN, "control",
		            "rejected a client: out of memory");
		close(fd);
		return;
	}
	c->fd = fd;
	c->active_ms = now_ms();
	c->next = ctl->clients;
	ctl->clients = c;
	ctl->n_clients++;
	if (client_set_events(ctl, c, EPOLL_CTL_ADD) < 0)
		client_free(ctl, c);
}

static void accept_clients(struct control *ctl)
{
	/* Bounded so that a burst of connections cannot starve IKE. */
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		int fd = accept4(ctl->listen_fd, NULL, NULL,
		                 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_limited(LOG_WARN, "control",
				            "accept on %s failed: %s",
				            ctl->path, strerror(errno));
			return;
		}
		accept_one(ctl, fd);
	}
}

/* Sent when a handler returns NULL: out of memory, or a configured name
 * that is not valid UTF-8, which jansson rejects. */
static const char internal_error[] =
        "{\"error\":\"failed to build the "
        "response\",\"code\":\"" CONTROL_ERR_INTERNAL "\"}";

/* Appends one response line; returns 0 or -ENOMEM. */
static int client_queue(struct control_client *c, json_t *resp)
{
	char *text = resp ? json_dumps(resp, JSON_COMPACT) : NULL;
	json_decref(resp);
	if (!text) {
		log_limited(LOG_WARN, "control", "failed to build a response");
		text = strdup(internal_error);
	}
	if (!text)
		return -ENOMEM;

	size_t len = strlen(text);
	char *out = realloc(c->out, c->out_len + len + 1);
	if (!out) {
		free(text);
		return -ENOMEM;
	}
	memcpy(out + c->out_len, text, len);
	out[c->out_len + len] = '\n';
	c->out = out;
	c->out_len += len + 1;
	free(text);
	return 0;
}

/* Requests run for one client per event, so that a client that sends
 * many at once cannot stall IKE and ESP; the rest wait for the next. */
#define LINES_PER_EVENT 16

/* Runs up to LINES_PER_EVENT complete request lines of the input buffer. */
static int client_run_lines(struct control *ctl, struct control_client *c)
{
	char *start = c->in;
	char *nl;
	for (int n = 0;
	     n < LINES_PER_EVENT &&
	     (nl = memchr(start, '\n', c->in_len - (start - c->in)));
	     n++) {
		size_t len = (size_t)(nl - start);
		if (len > 0 && start[len - 1] == '\r')
			len--;
		if (client_queue(c, control_run(&ctl->ctx, start, len)) < 0)
			return -ENOMEM;
		start = nl + 1;
	}
	c->in_len -= (size_t)(start - c->in);
	memmove(c->in, start, c->in_len);

	if (c->in_len == CONTROL_MAX_REQUEST) {
		c->phase = CLIENT_DRAINING;
		return client_queue(
		        c, control_error(CONTROL_ERR_TOO_LONG,
		                         "request line longer than %d bytes; "
		                         "send one JSON object per line",
		                         CONTROL_MAX_REQUEST));
	}
	return 0;
}

/* Writes what it can; returns 0, or a negative errno to drop the client. */
static int client_flush(struct control_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
		                 c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		c->out_off += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	return 0;
}

/* Reads and runs requests; returns 0, or a negative errno to drop. */
static int client_read(struct control *ctl, struct control_client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len,
	                 CONTROL_MAX_REQUEST - c->in_len, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0) {
		/* A last request without its newline still gets a response. */
		c->phase = CLIENT_CLOSING;
		if (c->in_len == 0)
			return 0;
		c->in[c->in_len] = '\n';
		c->in_len++;
		return client_run_lines(ctl, c);
	}
	c->in_len += (size_t)n;
	return client_run_lines(ctl, c);
}

/*
 * Closing a Unix socket that still has unread input makes the peer's
 * next read fail with ECONNRESET, so the error response to a too long
 * request would be lost.  Shut down our side and read to EOF first.
 */
static int client_discard(struct control_client *c)
{
	if (c->discarded == 0)
		shutdown(c->fd, SHUT_WR);
	for (;;) {
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0) {
			c->phase = CLIENT_CLOSING;
			return 0;
		}
		c->discarded += (size_t)n;
		if (c->discarded > CONTROL_DRAIN_MAX)
			return -EMSGSIZE;
	}
}

static void client_event(struct control *ctl, struct control_client *c)
{
	c->active_ms = now_ms();
	int rc = client_flush(c);
	/* Lines left from an earlier read run before more is read. */
	if (rc == 0 && c->out_len == 0 && has_line(c) &&
	    (c->phase == CLIENT_OPEN || c->phase == CLIENT_CLOSING))
		rc = client_run_lines(ctl, c);
	else if (rc == 0 && c->out_len == 0 && c->phase == CLIENT_OPEN)
		rc = client_read(ctl, c);
	else if (rc == 0 && c->out_len == 0 && c->phase == CLIENT_DRAINING)
		rc = client_discard(c);
	if (rc == 0)
		rc = client_flush(c);

	bool done = c->out_len == 0 && c->phase == CLIENT_CLOSING &&
	            !has_line(c);
	if (rc == 0 && !done)
		rc = client_set_events(ctl, c, EPOLL_CTL_MOD);
	if (rc < 0 && rc != -EPIPE && rc != -ECONNRESET)
		log_debug("control", "dropping client: %s", strerror(-rc));
	if (rc < 0 || done)
		client_free(ctl, c);
}

void control_event(struct control *ctl, int fd)
{
	if (fd == ctl->listen_fd) {
		accept_clients(ctl);
		return;
	}
	for (struct control_client *c = ctl->clients; c; c = c->next)
		if (c->fd == fd) {
			client_event(ctl, c);
			return;
		}
}

void control_close(struct control *ctl)
{
	while (ctl->clients)
		client_free(ctl, ctl->clients);
	/* path is set only once the listener exists, so a zeroed or failed
	 * struct control is left alone. */
	if (ctl->adopted) {
		close(ctl->listen_fd);
		ctl->listen_fd = -1;
		ctl->adopted = false;
		return;
	}
	if (ctl->path[0] == '\0')
		return;
	close(ctl->listen_fd);
	ctl->listen_fd = -1;
	if (unlink(ctl->path) < 0 && errno != ENOENT)
		log_warn("control", "failed to remove %s: %s", ctl->path,
		         strerror(errno));
	ctl->path[0] = '\0';
}
