/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control socket: a Unix SOCK_STREAM listener that crestctl and tests
 * use to read SAs, counters and configuration, and to start, stop and
 * rekey SAs and reload the configuration.  Each request and each
 * response is one JSON object on one line.  A client may send several
 * requests on one connection; responses come back in order.
 *
 * The socket is driven by the daemon's epoll loop: control_watch registers
 * the listener, and the module registers and removes its client fds itself
 * under tags the daemon chooses, so dispatch only has to pass the fd back.
 */
#ifndef CREST_MGMT_CONTROL_H
#define CREST_MGMT_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "config/config.h"
#include "dataplane/datapath.h"
#include "ike/engine.h"

#define CONTROL_DEFAULT_PATH "/run/crest/crestd.ctl"
/* NOTE: an idle client keeps its slot until it disconnects, because
 * clients have no idle timeout yet. */
#define CONTROL_MAX_CLIENTS 16
#define CONTROL_MAX_REQUEST 4096 /* bytes of one request line */
/* The group argument of control_open_group for a socket without one. */
#define CONTROL_NO_GROUP ((gid_t)-1)

/* Outcome of a configuration reload, for the reload command's response. */
struct control_reload_result {
	unsigned unchanged; /* connections whose SAs were kept */
	unsigned changed;   /* connections whose settings differ */
	unsigned added;
	unsigned removed;
	unsigned sas_kept;
	unsigned sas_deleted; /* sent a Delete, or closed if not up yet */
	unsigned initiated;   /* new or changed start_action initiate */
};

/*
 * Re-reads the daemon's configuration file and applies it.  Returns 0 and
 * fills *res, -ENOTSUP with a message in err when the change needs a
 * restart, or another negative errno with the error as "FILE:LINE: ...".
 * On error the running configuration is left as it was.
 */
typedef int control_reload_fn(void *arg, struct control_reload_result *res,
                              char *err, size_t errlen);

/*
 * Daemon state the command handlers use; the daemon owns every pointer.
 * A reload replaces cfg, so handlers read it anew for each request.
 */
struct control_ctx {
	const struct cfg *cfg;
	struct ike_engine *eng;
	struct datapath *dp;
	uint64_t started_ms;       /* now_ms() when the daemon started */
	/* The keeper's PID when this is its engine process, else 0, and
	 * then the engine's user. */
	int keeper_pid;
	const char *engine_user;
	control_reload_fn *reload; /* NULL: the reload command fails */
	void *reload_arg;
};

struct control_client;

struct control {
	struct control_ctx ctx;
	int listen_fd;
	bool adopted; /* listen_fd came from another process */
	int epfd;
	uint64_t tag; /* epoll tag of the listener; client tags are tag | fd */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct control_client *clients;
	size_t n_clients;
};

/*
 * Creates the listening socket at path with mode 0600, owned by the
 * daemon's user.  A socket file left by a daemon that is gone is replaced.
 * Returns 0, -EADDRINUSE if a daemon still listens at path, -EEXIST if
 * path is not a socket, -ENAMETOOLONG, or another negative errno.
 */
int control_open(struct control *ctl, const char *path,
                 const struct control_ctx *ctx);

/*
 * Creates the listening socket as control_open does, but with mode 0660
 * and the group ID group, so that members of that group can connect too.
 * With CONTROL_NO_GROUP it is control_open.  Returns the errors of
 * control_open, and -EPERM if the daemon may not give the file that group.
 */
int control_open_group(struct control *ctl, const char *path, gid_t group,
                       const struct control_ctx *ctx);

/*
 * Adds the listener to epfd under tag; does nothing if control_open
 * failed.  The low 32 bits of tag must be
 * zero: client fds are registered under tag | fd.
 */
int control_watch(struct control *ctl, int epfd, uint64_t tag);

/* Serves a listening socket another process created (the keeper). */
int control_adopt(struct control *ctl, int fd, const struct control_ctx *ctx);

/* Handles readiness of the listener or of a client, given its fd. */
void control_event(struct control *ctl, int fd);

/* Closes every client and the listener and removes the socket file. */
void control_close(struct control *ctl);

#endif
