/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The process that runs IKE and ESP: its state and event loop, shared by
 * crestd without privilege separation and by its engine process.
 */
#ifndef CREST_CRESTD_DAEMON_H
#define CREST_CRESTD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "config/secrets.h"
#include "crestd/reload.h"
#include "dataplane/datapath.h"
#include "ike/engine.h"
#include "mgmt/control.h"

struct daemon {
	struct cfg cfg;
	struct secrets secrets;
	struct ike_engine eng;
	struct datapath dp;
	struct control ctl;
	struct reload reload;
	int epfd;
	int sigfd;
	int ipc_fd;		 /* engine: the socket to the keeper, or -1 */
	void (*ipc_event)(struct daemon *d); /* engine: reads it */
	bool ipc_deferred; /* engine: ipc_event has work without input */
	bool stop;
};

/* Blocks the signals crestd handles and creates the signalfd and the
 * epoll instance; an engine does this before it enters its sandbox. */
int daemon_open_events(struct daemon *d);
/* Watches every socket, TUN device, the control socket and, in an engine,
 * the keeper's socket. */
int daemon_setup_events(struct daemon *d);
/* Runs the event loop until a stop signal. */
void daemon_run(struct daemon *d);
/* Logs a warning for each connection without a PSK in the secrets. */
void daemon_warn_missing_psks(const struct cfg *cfg,
			      const struct secrets *secrets);
/* Initiates the connections with start_action = initiate. */
void daemon_start_connections(struct daemon *d);

#endif
